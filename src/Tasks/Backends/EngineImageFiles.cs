using System.Formats.Tar;
using System.Net;
using Containerize.Diagnostics;
using Containerize.Sbom;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>
/// What an engine's image holds of the files that say what its operating system and packages are, read through a
/// container made from the image and never started (GET /containers/{id}/archive per path: a few requests, no
/// docker save of the whole image). The engine answers each path with a tar of it relative to its folder; those tars
/// are put together as one layer with full paths, for <see cref="ImageOsFilesReader"/> to apply its own rules
/// (links followed, dpkg's status.d, an rpm database noticed).
/// </summary>
public sealed class EngineImageFiles(EngineRequests requests)
{
    /// <summary>What is asked of the engine: the reader's files and dpkg's status.d folder, as absolute paths.</summary>
    private static readonly string[] Paths = [.. ImageOsFilesReader.ContentFiles.Append(ImageOsFilesReader.StatusD).Select(path => "/" + path)];

    /// <summary>The OS files of the image and of its base (null: no base, FROM scratch).</summary>
    public async Task<ImageOsScan> ScanAsync(string image, string? baseImage, CancellationToken cancellation)
    {
        var final = await LayerOfAsync(image, cancellation);
        var inBase = baseImage is null ? null : await LayerOfAsync(baseImage, cancellation);
        LayerSource[] layers = inBase is null ? [Source("final", final)] : [Source("base", inBase), Source("final", final)];
        return await ImageOsFilesReader.ReadAsync(layers, inBase is null ? 0 : 1, cancellation);

        static LayerSource Source(string name, byte[] tar) => new(name, () => new MemoryStream(tar, writable: false));
    }

    /// <summary>One tar of the OS files the image has, with their full paths (an rpm database as an empty file: only its presence counts).</summary>
    private Task<byte[]> LayerOfAsync(string image, CancellationToken cancellation) => requests.InContainerAsync(image, async container =>
    {
        var layer = new MemoryStream();
        using (var writer = new TarWriter(layer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var path in Paths)
            {
                await CopyAsync(container, path, writer, cancellation);
            }

            foreach (var path in ImageOsFilesReader.RpmDatabases)
            {
                if (await ExistsAsync(container, "/" + path, cancellation))
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, path));
                }
            }
        }

        return layer.ToArray();
    }, cancellation);

    /// <summary>The engine's tar of one path (its entries named from the path's last part), written again under the path's folder.</summary>
    private async Task CopyAsync(string container, string path, TarWriter writer, CancellationToken cancellation)
    {
        ContainerArchiveResponse archive;
        try
        {
            archive = await requests.Call($"read {path} of the image", () => requests.Client.Containers.GetArchiveFromContainerAsync(
                container, new ContainerPathStatParameters { Path = path }, statOnly: false, cancellation));
        }
        catch (ContainerizeException exception) when (exception.InnerException is DockerApiException { StatusCode: HttpStatusCode.NotFound })
        {
            return;
        }

        var folder = Path.GetDirectoryName(path)!.TrimStart('/');
        if (archive.Stream is not { } stream)
        {
            return;
        }

        // Read whole first: Docker.DotNet's chunked response stream fails when TarReader reads it in the sizes it does.
        var tar = new MemoryStream();
        await using (stream)
        {
            await stream.CopyToAsync(tar, cancellation);
        }

        tar.Position = 0;
        using var reader = new TarReader(tar);
        while (await reader.GetNextEntryAsync(copyData: false, cancellation) is { } entry)
        {
            var copy = new PaxTarEntry(entry.EntryType, folder.Length == 0 ? entry.Name : folder + "/" + entry.Name);
            if (entry.EntryType is TarEntryType.SymbolicLink or TarEntryType.HardLink)
            {
                copy.LinkName = entry.LinkName;
            }

            if (entry.DataStream is { } data)
            {
                var content = new MemoryStream();
                await data.CopyToAsync(content, cancellation);
                content.Position = 0;
                copy.DataStream = content;
            }

            writer.WriteEntry(copy);
        }
    }

    private async Task<bool> ExistsAsync(string container, string path, CancellationToken cancellation)
    {
        try
        {
            await requests.Call($"look for {path} in the image", () => requests.Client.Containers.GetArchiveFromContainerAsync(
                container, new ContainerPathStatParameters { Path = path }, statOnly: true, cancellation));
            return true;
        }
        catch (ContainerizeException exception) when (exception.InnerException is DockerApiException { StatusCode: HttpStatusCode.NotFound })
        {
            return false;
        }
    }
}
