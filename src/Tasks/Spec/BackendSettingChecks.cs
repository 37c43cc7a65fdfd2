using Containerize.Backends.BuildKit;
using Containerize.Diagnostics;

namespace Containerize.Spec;

/// <summary>
/// The settings that choose what builds the image — ContainerizeBackend, ContainerizeBuilder and the BuildKit daemon's
/// ContainerBuildKitHost and ContainerBuildKitCertificates: known values, and none set where it would be ignored.
/// </summary>
internal static class BackendSettingChecks
{
    private static readonly string[] Backends = ["", "auto", "docker", "daemonless", "buildkit"];
    private static readonly string[] Builders = ["", "auto", "buildkit", "legacy"];

    /// <summary>Reports every mistake in the backend, builder and BuildKit daemon settings, in that order.</summary>
    public static void Check(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        CheckBackend(settings.Backend, diagnostics);
        CheckBuilder(settings, diagnostics);
        CheckBuildKitDaemon(settings, diagnostics);
    }

    private static void CheckBackend(string backend, ICollection<Diagnostic> diagnostics)
    {
        var value = backend.Trim().ToLowerInvariant();
        if (!Backends.Contains(value))
        {
            diagnostics.Add(Errors.UnknownBackend(backend));
        }
    }

    /// <summary>A builder of the engine's is no setting for the daemonless backend: asked for by name there, it would be dropped.</summary>
    private static void CheckBuilder(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var builder = settings.Builder.Trim().ToLowerInvariant();
        if (!Builders.Contains(builder))
        {
            diagnostics.Add(Errors.UnknownBuilder(settings.Builder));
        }
        else if (builder is "buildkit" or "legacy" && settings.Backend.Trim().ToLowerInvariant() == "daemonless")
        {
            diagnostics.Add(Errors.BuilderNeedsTheEngine(builder));
        }
        else if (builder == "legacy" && settings.UsesBuildKitDaemon)
        {
            diagnostics.Add(Errors.BuildKitBackendCannot("use the engine's legacy builder (ContainerizeBuilder=legacy)", "Remove ContainerizeBuilder, or ContainerBuildKitHost to build with the engine."));
        }
    }

    /// <summary>
    /// The BuildKit daemon's address and certificates: well formed, and never set where they would be ignored. Whether
    /// the certificate files exist is checked when the daemon is reached (<see cref="BuildKitEndpoint"/>).
    /// </summary>
    private static void CheckBuildKitDaemon(ContainerSettings settings, ICollection<Diagnostic> diagnostics)
    {
        var backend = settings.Backend.Trim().ToLowerInvariant();
        var host = settings.BuildKitHost.Trim();
        if (host.Length == 0)
        {
            if (backend == "buildkit")
            {
                diagnostics.Add(Errors.BuildKitBackendNeedsAHost());
            }
        }
        else if (backend is "docker" or "daemonless")
        {
            diagnostics.Add(Errors.BuildKitHostUnused(backend));
        }
        else if (BuildKitEndpoint.Parse(host) is null)
        {
            diagnostics.Add(Errors.InvalidBuildKitHost(settings.BuildKitHost));
        }

        if (settings.BuildKitCertificates.Trim().Length > 0 && !(host.StartsWith("tcp://", StringComparison.OrdinalIgnoreCase) && settings.UsesBuildKitDaemon))
        {
            diagnostics.Add(Errors.BuildKitCertificates($"it is set, but {(host.Length == 0 ? "ContainerBuildKitHost is empty" : $"ContainerBuildKitHost '{host}' is not a tcp:// address")}, so it would be ignored"));
        }
    }
}
