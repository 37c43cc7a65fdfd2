using System.Text.Json;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Backends;

/// <summary>
/// What the last successful build made, kept beside the Dockerfile (not part of the image): the up-to-date check
/// compares the next run's fingerprint and the engine's current image ids against it. <see cref="Pushed"/> lists the
/// references the registry received (with <see cref="Digest"/>), so a failed push is retried by the next run;
/// <see cref="Attached"/> what went to the registry with the image ("&lt;digest&gt; &lt;what&gt;", Pipeline.AttachStep.What), so
/// that a failed attach is retried too.
/// </summary>
public sealed record BuildRecord(
    string Fingerprint, string BaseImageId, string? BaseImageDigest, string ImageId, string Platform, IReadOnlyList<string> References,
    string? Digest = null, IReadOnlyList<string>? Pushed = null, string? Attached = null)
{
    public const string FileName = "containerize.record.json";

    /// <returns>The record, or null when there is none, or none that can be read (then the image is made again).</returns>
    public static BuildRecord? Load(string path)
    {
        try
        {
            // Only a regular file is opened: a FIFO in its place would wait for a writer.
            return FileKinds.OfTarget(path) == FileKind.File ? JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(path)) : null;
        }
        catch (Exception exception) when (exception is JsonException || FileFailures.IsFileSystem(exception))
        {
            return null;
        }
    }

    /// <summary>Written beside its place and moved there, so that a record is always whole.</summary>
    /// <exception cref="ContainerizeException">CTZ2021 when it cannot be written.</exception>
    public void Save(string path) => AtomicFile.Write(
        path,
        output => JsonSerializer.Serialize(output, this),
        reason => Errors.IntermediateFolderFailed(Path.GetDirectoryName(Path.GetFullPath(path))!, $"write the build record ({FileName})", reason));
}
