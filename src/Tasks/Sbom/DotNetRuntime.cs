using Containerize.Layers;

namespace Containerize.Sbom;

/// <summary>A .NET shared framework in the image: the runtime (Microsoft.NETCore.App) or ASP.NET Core (Microsoft.AspNetCore.App).</summary>
/// <param name="Name">The framework's name: Microsoft.NETCore.App, Microsoft.AspNetCore.App.</param>
/// <param name="Source"><see cref="FromBaseImage"/> or <see cref="FromRuntimePack"/>.</param>
public sealed record DotNetRuntime(string Name, string Version, string Source)
{
    public const string NetCoreApp = "Microsoft.NETCore.App";

    public const string AspNetCoreApp = "Microsoft.AspNetCore.App";

    public const string FromBaseImage = "base image";

    public const string FromRuntimePack = "runtime pack";

    /// <summary>The runtime pack a self-contained app copied it from (Microsoft.NETCore.App.Runtime.linux-x64); null for the base image's.</summary>
    public string? PackageId { get; init; }

    /// <summary>The runtime pack's purl; null for the base image's (installed from Microsoft's archives, not a package).</summary>
    public string? Purl => PackageId is null ? null : PackageUrl.NuGet(PackageId, Version);

    /// <summary>The CPE that NVD's records of .NET and ASP.NET Core vulnerabilities name, for scanners that match by CPE.</summary>
    public string? Cpe => Name switch
    {
        NetCoreApp => $"cpe:2.3:a:microsoft:.net:{Version}:*:*:*:*:*:*:*",
        AspNetCoreApp => $"cpe:2.3:a:microsoft:asp.net_core:{Version}:*:*:*:*:*:*:*",
        _ => null,
    };

    /// <summary>
    /// The frameworks of a Microsoft .NET base image, from the variables its Dockerfile sets: DOTNET_VERSION (the
    /// runtime; runtime and aspnet images) and ASPNET_VERSION (aspnet images). runtime-deps images set neither.
    /// </summary>
    public static IReadOnlyList<DotNetRuntime> FromBaseImageEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        var runtimes = new List<DotNetRuntime>();
        if (environment.TryGetValue("DOTNET_VERSION", out var runtime) && runtime.Trim().Length > 0)
        {
            runtimes.Add(new DotNetRuntime(NetCoreApp, runtime.Trim(), FromBaseImage));
        }

        if (environment.TryGetValue("ASPNET_VERSION", out var aspNet) && aspNet.Trim().Length > 0)
        {
            runtimes.Add(new DotNetRuntime(AspNetCoreApp, aspNet.Trim(), FromBaseImage));
        }

        return runtimes;
    }

    /// <summary>
    /// The frameworks a self-contained app carries, from the runtime packs its published files came from
    /// (Microsoft.NETCore.App.Runtime.&lt;rid&gt;, Microsoft.AspNetCore.App.Runtime.&lt;rid&gt;), sorted by name.
    /// </summary>
    public static IReadOnlyList<DotNetRuntime> FromRuntimePacks(IEnumerable<PublishedFileOrigin> origins) =>
        origins
            .Where(origin => origin.IsRuntimePack && origin.PackageVersion.Length > 0)
            .Select(origin => (origin.PackageId, origin.PackageVersion))
            .Distinct()
            .Select(pack => new DotNetRuntime(
                pack.PackageId[..(pack.PackageId.IndexOf(".App.Runtime.", StringComparison.OrdinalIgnoreCase) + ".App".Length)],
                pack.PackageVersion, FromRuntimePack) { PackageId = pack.PackageId })
            .OrderBy(runtime => runtime.Name, StringComparer.Ordinal)
            .ThenBy(runtime => runtime.Version, StringComparer.Ordinal)
            .ToList();
}
