using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Registries;

namespace Containerize.Referrers;

/// <summary>
/// Attaches artifacts to an image in a registry as OCI 1.1 referrers: each artifact's blobs and manifest (its subject
/// the image), then — unless the registry has the referrers API and said so — the referrers tag schema's index.
/// </summary>
public sealed class ReferrerPublisher(RegistryClient client, string repository)
{
    /// <returns>The manifests attached, as the subject's referrers list names them.</returns>
    public async Task<IReadOnlyList<Descriptor>> AttachAsync(Descriptor subject, IReadOnlyList<Artifact> artifacts, CancellationToken cancellation)
    {
        await PushBlobAsync(EmptyConfig.Content, cancellation);
        var referrers = new List<Descriptor>();
        var unindexed = new List<Descriptor>();
        foreach (var artifact in artifacts)
        {
            await PushBlobAsync(artifact.Content, cancellation);
            var (_, indexed) = await client.PutReferrerAsync(repository, MediaTypes.OciManifest, artifact.Manifest(subject), cancellation);
            referrers.Add(artifact.Referrer(subject));
            if (!indexed)
            {
                unindexed.Add(artifact.Referrer(subject));
            }
        }

        if (unindexed.Count > 0)
        {
            var tag = ReferrersIndex.Tag(subject.Digest);
            var existing = await client.FindManifestAsync(repository, tag, cancellation);
            byte[]? index;
            try
            {
                index = ReferrersIndex.Add(existing?.Content, unindexed);
            }
            catch (FormatException exception)
            {
                throw new ContainerizeException(Errors.ReferrersTagTaken(client.Registry, repository, tag, exception.Message));
            }

            if (index is not null)
            {
                await client.PutManifestAsync(repository, tag, MediaTypes.OciIndex, index, cancellation);
            }
        }

        return referrers;
    }

    private async Task PushBlobAsync(byte[] content, CancellationToken cancellation)
    {
        var digest = ManifestWriter.Digest(content);
        if (!await client.BlobExistsAsync(repository, digest, cancellation))
        {
            await client.UploadBlobAsync(repository, digest, content.Length, () => new MemoryStream(content, writable: false), cancellation);
        }
    }
}
