using System.Text.Json;

namespace Containerize.Backends;

/// <summary>
/// What the last successful build made, kept beside the Dockerfile (not part of the image): the up-to-date check
/// compares the next run's fingerprint and the engine's current image ids against it. <see cref="Pushed"/> lists the
/// references the registry received (with <see cref="Digest"/>), so a failed push is retried by the next run.
/// </summary>
public sealed record BuildRecord(
    string Fingerprint, string BaseImageId, string? BaseImageDigest, string ImageId, string Platform, IReadOnlyList<string> References,
    string? Digest = null, IReadOnlyList<string>? Pushed = null)
{
    public const string FileName = "containerize.record.json";

    public static BuildRecord? Load(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this));
        File.Move(temporary, path, overwrite: true);
    }
}
