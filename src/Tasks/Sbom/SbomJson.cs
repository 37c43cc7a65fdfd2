using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Containerize.Sbom;

/// <summary>How both SBOM formats are written: indented UTF-8 JSON with "\n" line ends on every OS, a final newline.</summary>
internal static class SbomJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = true };

    /// <summary>UTC to the second, as both formats want it: 2025-01-31T12:00:00Z.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            write(writer);
        }

        // The writer ends indented lines with Environment.NewLine (.NET 8 has no option for it); a JSON string never holds a raw CR or LF.
        var text = buffer.ToArray();
        var output = new List<byte>(text.Length + 1);
        foreach (var value in text)
        {
            if (value != (byte)'\r')
            {
                output.Add(value);
            }
        }

        output.Add((byte)'\n');
        return output.ToArray();
    }
}
