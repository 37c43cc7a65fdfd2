using Containerize.Spec;

namespace Containerize.Dockerfile;

/// <summary>
/// Lays out the build context on disk: the Dockerfile, a .dockerignore and one folder per layer under layers/,
/// so that plain 'docker build' on the folder builds the same image. Files already in place and unchanged are
/// kept; files no longer in the plan are removed, so an earlier run never leaks into this one.
/// </summary>
public static class ContextStager
{
    public const string DockerfileName = "Dockerfile";

    /// <summary>Only the Dockerfile and the layer folders are the image; container-image.json and anything else beside them is not.</summary>
    public const string DockerIgnore = "# Only the layer folders go into the image (the Dockerfile is always sent).\n*\n!layers/\n";

    /// <returns>The path of the Dockerfile.</returns>
    public static string Stage(ContainerSpec spec, string contextDirectory)
    {
        Directory.CreateDirectory(contextDirectory);
        var layersRoot = Path.Combine(contextDirectory, DockerfileWriter.LayersFolder);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in spec.Layers)
        {
            foreach (var file in layer.Files)
            {
                var target = Path.Combine(layersRoot, layer.Name, file.RelativePath);
                wanted.Add(target);
                CopyIfChanged(file.SourcePath, target);
            }
        }

        RemoveUnwanted(layersRoot, wanted);
        WriteIfChanged(Path.Combine(contextDirectory, ".dockerignore"), DockerIgnore);
        var dockerfile = Path.Combine(contextDirectory, DockerfileName);
        WriteIfChanged(dockerfile, DockerfileWriter.Write(spec));
        return dockerfile;
    }

    private static void CopyIfChanged(string source, string target)
    {
        var sourceInfo = new FileInfo(source);
        var targetInfo = new FileInfo(target);
        if (targetInfo.Exists && targetInfo.Length == sourceInfo.Length && targetInfo.LastWriteTimeUtc == sourceInfo.LastWriteTimeUtc)
        {
            return;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(source, target, overwrite: true);
        File.SetLastWriteTimeUtc(target, sourceInfo.LastWriteTimeUtc);
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
