using System.Text;
using System.Text.Json;
using Containerize.Spec;

namespace Containerize.Lock;

/// <summary>
/// containerize.lock.json, as NuGet's packages.lock.json is for packages: each base image reference the project
/// resolves (the generated Dockerfile's base, or each FROM image of ContainerDockerfile), keyed as the project writes
/// it, with the digest its tag named and each platform's manifest digest. Written sorted and indented with '\n' line
/// ends, so the same lock is the same bytes on every machine.
/// </summary>
public sealed record BaseImageLock(IReadOnlyDictionary<string, LockedBase> Bases)
{
    /// <summary>The format's version: a reader refuses a file of a later one (it may mean something this reader would ignore).</summary>
    public const int FormatVersion = 1;

    public const string FileName = "containerize.lock.json";

    /// <summary>The file's text: {"version": 1, "bases": {reference: {"digest", "platforms": {platform: digest}}}}, keys in ordinal order, ending in '\n'.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartObject("bases");
            foreach (var (reference, locked) in Bases.OrderBy(entry => entry.Key, StringComparer.Ordinal))
            {
                writer.WriteStartObject(reference);
                writer.WriteString("digest", locked.Digest);
                writer.WriteStartObject("platforms");
                foreach (var (platform, digest) in locked.Platforms.OrderBy(entry => entry.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(platform, digest);
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        // Utf8JsonWriter (on .NET 8) ends lines as the operating system does; the file is the same everywhere. Strings hold no raw line break.
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    /// <summary>Reads the file's text.</summary>
    /// <exception cref="FormatException">What is wrong with it, as a clause: "it is not JSON (…)", "bases.x.digest is not a sha256 digest".</exception>
    public static BaseImageLock Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow });
        }
        catch (JsonException exception)
        {
            throw new FormatException($"it is not valid JSON ({exception.Message.TrimEnd('.')})", exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("it is not a JSON object");
            }

            if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out var number))
            {
                throw new FormatException("it has no \"version\" number");
            }

            if (number != FormatVersion)
            {
                throw new FormatException($"its version {number} is not the version {FormatVersion} this Containerize reads");
            }

            if (!root.TryGetProperty("bases", out var bases) || bases.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("it has no \"bases\" object");
            }

            var entries = new Dictionary<string, LockedBase>(StringComparer.Ordinal);
            foreach (var entry in bases.EnumerateObject())
            {
                var where = $"bases[\"{entry.Name}\"]";
                if (ImageReference.TryParse(entry.Name) is null)
                {
                    throw new FormatException($"{where}: the key is not an image reference");
                }

                if (entry.Value.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"{where} is not an object");
                }

                var digest = Digest(entry.Value, "digest", where);
                if (!entry.Value.TryGetProperty("platforms", out var platforms) || platforms.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"{where} has no \"platforms\" object");
                }

                var perPlatform = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var platform in platforms.EnumerateObject())
                {
                    if (platform.Name.Split('/') is not { Length: 2 or 3 } parts || parts.Any(part => part.Length == 0))
                    {
                        throw new FormatException($"{where}.platforms: \"{platform.Name}\" is not a platform (os/architecture[/variant])");
                    }

                    perPlatform[platform.Name] = Digest(platforms, platform.Name, $"{where}.platforms");
                }

                entries[entry.Name] = new LockedBase(digest, perPlatform);
            }

            return new BaseImageLock(entries);
        }
    }

    private static string Digest(JsonElement parent, string name, string where)
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String || !IsSha256(value.GetString()!))
        {
            throw new FormatException($"{where}[\"{name}\"] is not a sha256 digest (sha256: and 64 lower-case hex digits)");
        }

        return value.GetString()!;
    }

    private static bool IsSha256(string value) =>
        value.Length == 71 && value.StartsWith("sha256:", StringComparison.Ordinal) && value[7..].All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
