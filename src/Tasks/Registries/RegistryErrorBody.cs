using System.Text;
using System.Text.Json;

namespace Containerize.Registries;

/// <summary>
/// What a registry said about a failed request: the distribution error body {"errors":[{"code","message"}]} as
/// "CODE: message", or a short plain-text body as it is.
/// </summary>
internal sealed record RegistryErrorBody(IReadOnlyList<string> Codes, string? Summary)
{
    private const int MaximumBodyBytes = 64 * 1024;
    private const int MaximumSummaryLength = 400;

    public static RegistryErrorBody None { get; } = new([], null);

    public bool Has(string code) => Codes.Contains(code, StringComparer.OrdinalIgnoreCase);

    public static async Task<RegistryErrorBody> ReadAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        byte[] body;
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellation);
            using var buffer = new MemoryStream();
            var chunk = new byte[8192];
            int read;
            while (buffer.Length < MaximumBodyBytes && (read = await stream.ReadAsync(chunk, cancellation)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }

            body = buffer.ToArray();
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
            return None;
        }

        return Parse(body);
    }

    public static RegistryErrorBody Parse(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                var codes = new List<string>();
                var parts = new List<string>();
                foreach (var error in errors.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object))
                {
                    var code = Text(error, "code");
                    var message = Text(error, "message");
                    if (code is not null)
                    {
                        codes.Add(code);
                    }

                    parts.Add(string.Join(": ", new[] { code, message }.Where(p => !string.IsNullOrEmpty(p))));
                }

                return new RegistryErrorBody(codes, Shorten(string.Join("; ", parts.Where(p => p.Length > 0))));
            }
        }
        catch (JsonException)
        {
        }

        var text = Encoding.UTF8.GetString(body).Trim();
        return text.Length == 0 || text.StartsWith('<') ? None : new RegistryErrorBody([], Shorten(text.ReplaceLineEndings(" ")));
    }

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? Shorten(string text) =>
        text.Length == 0 ? null : text.Length <= MaximumSummaryLength ? text : text[..MaximumSummaryLength] + "…";
}
