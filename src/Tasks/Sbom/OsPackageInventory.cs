using System.Text;
using Containerize.Diagnostics;

namespace Containerize.Sbom;

/// <summary>The OS packages of an image, from the package databases its layers hold (dpkg, apk).</summary>
public static class OsPackageInventory
{
    /// <summary>The final image's packages, each marked "base" or "added" against the base image's.</summary>
    public static OsPackageList Read(ImageOsScan scan)
    {
        var list = Read(scan.Final, scan.Base);
        return list with { Diagnostics = [.. scan.Diagnostics, .. list.Diagnostics] };
    }

    /// <summary>
    /// Every installed package of dpkg's status and status.d files and of apk's database, one per purl, sorted by
    /// purl. With <paramref name="baseFiles"/>, a package the base image has with the same name, version and
    /// architecture is "base", any other "added" (a ContainerPackage, or a newer version of a base package). An rpm
    /// database is not read: a CTZ2032 warning says so.
    /// </summary>
    public static OsPackageList Read(ImageOsFiles files, ImageOsFiles? baseFiles = null)
    {
        var release = files.OsRelease is null ? null : OsRelease.Parse(Text(files.OsRelease));
        var packages = Packages(files, release);
        if (baseFiles is not null)
        {
            var inBase = Packages(baseFiles, null).Select(Identity).ToHashSet();
            packages = packages.Select(package => package with { Layer = inBase.Contains(Identity(package)) ? OsPackage.BaseLayer : OsPackage.AddedLayer }).ToList();
        }

        var diagnostics = files.RpmDatabase is { } rpm ? new List<Diagnostic> { Errors.RpmDatabaseNotRead(rpm) } : [];
        return new OsPackageList(release, packages, diagnostics);
    }

    private static List<OsPackage> Packages(ImageOsFiles files, OsRelease? release)
    {
        var packages = new List<OsPackage>();
        if (files.DpkgStatus is { } status)
        {
            packages.AddRange(DpkgStatusParser.Parse(Text(status), release));
        }

        foreach (var (_, content) in files.DpkgStatusD)
        {
            packages.AddRange(DpkgStatusParser.Parse(Text(content), release, statusD: true));
        }

        if (files.ApkInstalled is { } apk)
        {
            packages.AddRange(ApkDatabaseParser.Parse(Text(apk), release));
        }

        return packages
            .GroupBy(package => package.Purl, StringComparer.Ordinal)
            .Select(group => group.First())
            .OrderBy(package => package.Purl, StringComparer.Ordinal)
            .ToList();
    }

    private static (string Type, string Name, string Version, string? Architecture) Identity(OsPackage package) =>
        (package.Type, package.Name, package.Version, package.Architecture);

    private static string Text(byte[] content) => Encoding.UTF8.GetString(content);
}
