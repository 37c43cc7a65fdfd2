using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Oci;
using Containerize.Spec;

namespace Containerize.Pipeline;

/// <summary>
/// A base image read from its registry (daemonless, or for a BuildKit daemon) when the lock pinned it: the registry's
/// "no such manifest" becomes CTZ2036 (the locked digest is gone: update the lock), and the platform's manifest is
/// checked against the lock.
/// </summary>
public static class LockedBaseReader
{
    public static async Task<DaemonlessBackend.BaseImage> ReadAsync(ImageJob job, ImageReference reference, Platform platform, Func<Task<DaemonlessBackend.BaseImage>> read)
    {
        if (job.PinOf(reference) is not { } pin)
        {
            return await read();
        }

        DaemonlessBackend.BaseImage baseImage;
        try
        {
            baseImage = await read();
        }
        catch (ContainerizeException exception) when (exception.Diagnostic.Code == Errors.BaseImageNotInRegistryCode)
        {
            throw pin.Unavailable($"the registry {Registries.RegistryNames.HostOf(reference)} has no manifest {pin.Entry.Digest} in {reference.Repository}", job.Request.LockFile, exception);
        }

        pin.CheckManifest(baseImage.ManifestDigest, platform, job.Request.LockFile);
        return baseImage;
    }
}
