using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Layers;
using Containerize.Spec;

namespace Containerize.Dockerfile;

/// <summary>
/// Lays out the build context on disk: the Dockerfile, a .dockerignore and one folder per layer under layers/,
/// each file with the mode it has in the image (the legacy builder's COPY keeps the context's modes; it has no
/// --chmod), so that plain 'docker build' on the folder builds the same image. Files already in place with the same
/// content are kept; files no longer in the plan are removed, so an earlier run never leaks into this one.
/// </summary>
public static class ContextStager
{
    public const string DockerfileName = "Dockerfile";

    /// <summary>Only the Dockerfile and the layer folders are the image; container-image.json and anything else beside them is not.</summary>
    public const string DockerIgnore = "# Only the layer folders go into the image (the Dockerfile is always sent).\n*\n!layers/\n";

    /// <returns>The path of the Dockerfile.</returns>
    /// <exception cref="Diagnostics.ContainerizeException">CTZ2023 when a file of the image cannot be read, CTZ2021 when the context cannot be written.</exception>
    public static string Stage(ContainerSpec spec, string contextDirectory) => FileFailures.Guard(
        () => StageFiles(spec, contextDirectory),
        reason => Errors.IntermediateFolderFailed(contextDirectory, "stage the build context", reason));

    private static string StageFiles(ContainerSpec spec, string contextDirectory)
    {
        Directory.CreateDirectory(contextDirectory);
        var layersRoot = Path.Combine(contextDirectory, DockerfileWriter.LayersFolder);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in spec.FileLayers.Concat(spec.Layers))
        {
            foreach (var file in layer.Files)
            {
                var target = Path.Combine(layersRoot, layer.Name, file.RelativePath);
                wanted.Add(target);
                CopyIfChanged(file.SourcePath, target, file.Mode);
            }
        }

        RemoveUnwanted(layersRoot, wanted);
        if (spec.WritableDirectories.Count > 0 || spec.Dockerfile is not null)
        {
            Directory.CreateDirectory(Path.Combine(layersRoot, Layer.EmptyFolder));
        }

        // The user's own Dockerfile may copy any of the app's layer folders: each exists, empty when it has no files.
        foreach (var name in spec.Dockerfile is null ? [] : LayerPlanner.AppLayerNames)
        {
            Directory.CreateDirectory(Path.Combine(layersRoot, name));
        }

        WriteIfChanged(Path.Combine(contextDirectory, ".dockerignore"), DockerIgnore);
        var dockerfile = Path.Combine(contextDirectory, DockerfileName);
        WriteIfChanged(dockerfile, spec.Dockerfile ?? DockerfileWriter.Write(spec));
        return dockerfile;
    }

    /// <summary>
    /// Puts the file in place unless the target has its content already, with the mode it has in the image: a hard
    /// link when the published file has that mode (no copy of a large output; a mode is never changed through a
    /// link, which would change the published file), else a copy. The source is opened first, so that a file that
    /// cannot be read is named as such (CTZ2023); comparing and copying stop within a chunk of a cancelled run.
    /// </summary>
    /// <param name="itemMode">The mode a ContainerFile item gives; null: 0755 or 0644 by the source's executable bit.</param>
    private static void CopyIfChanged(string source, string target, UnixFileMode? itemMode)
    {
        using var input = SourceFiles.OpenRead(source);
        var mode = itemMode ?? FileModes.Default(source);
        var targetInfo = new FileInfo(target);
        if (targetInfo.Exists && targetInfo.Length == input.Length && SameContent(input, target) && FileModes.Of(target) == mode)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Delete(target);
        if (FileModes.Of(source) == mode && HardLink.TryCreate(source, target))
        {
            return;
        }

        input.Position = 0;
        using (var output = new FileStream(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var sized = new SizedReadStream(input, source);
            Copy(sized, output);
            sized.RequireEnd();
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, mode);
        }
    }

    private const int ChunkSize = 1 << 16;

    private static void Copy(Stream input, Stream output)
    {
        var buffer = new byte[ChunkSize];
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            RunCancellation.ThrowIfCancelled();
            output.Write(buffer, 0, read);
        }
    }

    private static bool SameContent(Stream source, string target)
    {
        using var other = new FileStream(target, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        var bufferA = new byte[ChunkSize];
        var bufferB = new byte[ChunkSize];
        int read;
        while ((read = source.ReadAtLeast(bufferA, ChunkSize, throwOnEndOfStream: false)) > 0)
        {
            RunCancellation.ThrowIfCancelled();
            if (other.ReadAtLeast(bufferB, ChunkSize, throwOnEndOfStream: false) != read || !bufferA.AsSpan(0, read).SequenceEqual(bufferB.AsSpan(0, read)))
            {
                return false;
            }
        }

        return true;
    }

    private static void RemoveUnwanted(string layersRoot, HashSet<string> wanted)
    {
        if (!Directory.Exists(layersRoot))
        {
            return;
        }

        foreach (var file in Directory.EnumerateFiles(layersRoot, "*", SearchOption.AllDirectories).Where(file => !wanted.Contains(file)).ToList())
        {
            File.Delete(file);
        }

        foreach (var directory in Directory.EnumerateDirectories(layersRoot, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }
    }

    private static void WriteIfChanged(string path, string text)
    {
        if (!File.Exists(path) || File.ReadAllText(path) != text)
        {
            File.WriteAllText(path, text);
        }
    }
}
