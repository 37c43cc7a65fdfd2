using System.Text;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Spec;

/// <summary>
/// The values of ContainerBuildSecret items, from their environment variable or file: checked when the settings are
/// resolved, read just before the build, and then only handed to BuildKit's session — never logged, staged or written.
/// </summary>
public static class BuildSecretValues
{
    /// <summary>Why the secret's value cannot be read (its variable unset or empty, its file missing or not a regular file), or null when it can.</summary>
    /// <param name="files">Where its file is looked for: what resolution asks through (<see cref="SpecResolver"/>), the disk when the value is read.</param>
    public static string? Problem(BuildSecret secret, ISpecFiles files)
    {
        if (secret.Environment.Length > 0)
        {
            return string.IsNullOrEmpty(Environment.GetEnvironmentVariable(secret.Environment))
                ? $"its environment variable {secret.Environment} (Environment metadata) is not set, or empty"
                : null;
        }

        var kind = files.KindOf(secret.File) is FileKind.Link ? files.KindOf(files.LinkTarget(secret.File) ?? secret.File) : files.KindOf(secret.File);
        return kind switch
        {
            FileKind.File => null,
            FileKind.Missing or FileKind.Link => $"its file {secret.File} (File metadata) does not exist",
            _ => $"its file {secret.File} (File metadata) is {FileKinds.Describe(kind)}, not a regular file (reading it could wait for ever, or give a device's endless output)",
        };
    }

    /// <summary>Every secret's value by id (an environment variable as UTF-8).</summary>
    public static IReadOnlyDictionary<string, byte[]> Read(IReadOnlyList<BuildSecret> secrets)
    {
        var values = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var secret in secrets)
        {
            if (Problem(secret, DiskSpecFiles.Instance) is { } problem)
            {
                throw new ContainerizeException(Errors.InvalidBuildSecret(secret.Id, problem));
            }

            try
            {
                values[secret.Id] = secret.Environment.Length > 0
                    ? Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable(secret.Environment)!)
                    : File.ReadAllBytes(secret.File);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new ContainerizeException(Errors.InvalidBuildSecret(secret.Id, $"its file {secret.File} could not be read: {exception.Message}"), exception);
            }
        }

        return values;
    }
}
