namespace Containerize.Sbom;

/// <summary>A package of the image's operating system, as its package database lists it.</summary>
/// <param name="Type">The purl type: "deb" (dpkg) or "apk".</param>
/// <param name="Namespace">The purl namespace: the distribution's os-release ID ("debian", "ubuntu", "alpine").</param>
/// <param name="Architecture">The package's architecture as the database says it (amd64, all, x86_64, noarch); null when absent.</param>
public sealed record OsPackage(string Type, string Namespace, string Name, string Version, string? Architecture)
{
    public const string BaseLayer = "base";

    public const string AddedLayer = "added";

    /// <summary>The source package (dpkg's Source, apk's origin) when the database names it.</summary>
    public string? SourceName { get; init; }

    /// <summary>The source package's version, when dpkg gives one in parentheses (it then differs from the binary's).</summary>
    public string? SourceVersion { get; init; }

    /// <summary>The purl "distro" qualifier (debian-12), from os-release; null when unknown.</summary>
    public string? Distro { get; init; }

    /// <summary>"base" when the base image has the package (same purl), "added" when a layer Containerize made added or changed it; null when not compared.</summary>
    public string? Layer { get; init; }

    /// <summary>
    /// pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&amp;distro=debian-12, with upstream=&lt;source&gt;[@&lt;version&gt;] when
    /// the database names a source package other than the package itself (the qualifier syft writes and grype reads
    /// to match Debian's security tracker, which is by source package).
    /// </summary>
    public string Purl => PackageUrl.Create(Type, Namespace, Name, Version,
    [
        new("arch", Architecture),
        new("distro", Distro),
        new("upstream", Upstream),
    ]);

    private string? Upstream =>
        SourceName is null || (SourceName == Name && SourceVersion is null) ? null
        : SourceVersion is null ? SourceName
        : $"{SourceName}@{SourceVersion}";
}
