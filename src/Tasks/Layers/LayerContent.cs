using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Containerize.Diagnostics;
using Containerize.FileSystem;
using Containerize.Spec;

namespace Containerize.Layers;

/// <summary>
/// A hash of everything one layer holds: its destination and owner, and the path, mode and content of each file.
/// The fingerprint of the whole image is made of these, and the daemonless backend names the layers it writes by
/// them, so an unchanged layer is not compressed again. Each layer's files are read once per run: the key is kept
/// with the layer object for as long as it lives. Reading stops within a chunk of a cancelled run (<see cref="RunCancellation"/>).
/// </summary>
public static class LayerContent
{
    private static readonly ConditionalWeakTable<Layer, string> Keys = [];

    public static string Key(Layer layer) => Keys.GetValue(layer, Compute);

    private static string Compute(Layer layer)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{layer.Name}>{layer.Destination}>{layer.Owner}\n"));
        var buffer = new byte[1 << 16];
        foreach (var file in layer.Files)
        {
            var mode = file.Mode ?? FileModes.Default(file.SourcePath);
            using var stream = SourceFiles.OpenRead(file.SourcePath);
            hash.AppendData(Encoding.UTF8.GetBytes($"\n{file.RelativePath}\n{(int)mode}\n{stream.Length}\n"));
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                RunCancellation.ThrowIfCancelled();
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
    }
}
