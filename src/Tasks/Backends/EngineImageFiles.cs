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
/// (links followed, dpkg's status.d, an rpm database noticed). A base image's are kept in the <see cref="OsScanCache"/>.
/// </summary>
public sealed class EngineImageFiles(EngineRequests requests, IBuildLog log)
{
    /// <summary>What is asked of the engine: the reader's files and dpkg's status.d folder, as absolute paths.</summary>
    private static readonly string[] Paths = [.. ImageOsFilesReader.ContentFiles.Append(ImageOsFilesReader.StatusD).Select(path => "/" + path)];

    /// <summary>
    /// The OS files of the image and of its base. The base's are read once per base image and kept in
    /// <paramref name="scans"/> by its image ID (content-addressed: the same ID is the same files); the image's own are
    /// read only when a step may have changed them.
    /// </summary>
    /// <param name="baseImageId">The base image's ID in the engine; null for none (FROM scratch).</param>
    /// <param name="sameAsBase">No step of the build can have changed the OS files (a generated Dockerfile without RUN steps or packages): the image's are the base's.</param>
    public async Task<ImageOsScan> ScanAsync(string image, string? baseImageId, bool sameAsBase, OsScanCache scans, CancellationToken cancellation)
    {
        var inBase = baseImageId is null ? null : await ScanBaseAsync(baseImageId, scans, cancellation);
        if (inBase is not null && sameAsBase)
        {
            return inBase;
        }

        // The image's tar holds every one of the paths it has (not a change to the base's): read alone, it is the image's file system.
        var final = await ReadAsync(image, cancellation);
        return new ImageOsScan(inBase?.Base ?? ImageOsFiles.None, final.Final, [.. inBase?.Diagnostics ?? [], .. final.Diagnostics]);
    }

    private async Task<ImageOsScan> ScanBaseAsync(string baseImageId, OsScanCache scans, CancellationToken cancellation)
    {
        if (scans.Find([baseImageId]) is { } known)
        {
            log.Detail($"The base image's OS files: kept from an earlier build on image {baseImageId}.");
            return known;
        }

        var scan = await ReadAsync(baseImageId, cancellation);
        scans.Save([baseImageId], scan);
        return scan;
    }

    /// <summary>The image's OS files as both <see cref="ImageOsScan.Base"/> and <see cref="ImageOsScan.Final"/>.</summary>
    private async Task<ImageOsScan> ReadAsync(string image, CancellationToken cancellation)
    {
        log.Detail($"Reading the OS files of image {image} through a container made from it.");
        var tar = await LayerOfAsync(image, cancellation);
        return await ImageOsFilesReader.ReadAsync([new LayerSource(image, () => new MemoryStream(tar, writable: false))], 1, cancellation);
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
