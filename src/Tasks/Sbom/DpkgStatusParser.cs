namespace Containerize.Sbom;

/// <summary>
/// dpkg's database of installed packages: var/lib/dpkg/status, and the var/lib/dpkg/status.d/&lt;package&gt; files of
/// distroless and chiseled images (one or more paragraphs each). Paragraphs of "Field: value" lines (deb822), a
/// continuation line starting with a space or tab, paragraphs separated by blank lines.
/// </summary>
public static class DpkgStatusParser
{
    /// <summary>
    /// The installed packages: those whose Status is "&lt;want&gt; ok installed" (install, hold — a held package is
    /// installed —, deinstall), as dpkg-query -W lists them, leaving out removed ones whose configuration files remain
    /// (config-files), half-installed ones and not-installed ones. A status.d paragraph without a Status field counts
    /// as installed (distroless writes none). A paragraph without Package or Version is skipped. Never throws.
    /// </summary>
    /// <param name="release">The distribution (the purl namespace and distro qualifier); Debian when unknown.</param>
    public static IReadOnlyList<OsPackage> Parse(string text, OsRelease? release, bool statusD = false)
    {
        var packages = new List<OsPackage>();
        foreach (var fields in Deb822.Paragraphs(text, ':'))
        {
            if (!fields.TryGetValue("Package", out var name) || !fields.TryGetValue("Version", out var version) || name.Length == 0 || version.Length == 0)
            {
                continue;
            }

            if (fields.TryGetValue("Status", out var status) ? !IsInstalled(status) : !statusD)
            {
                continue;
            }

            var (sourceName, sourceVersion) = Source(fields.GetValueOrDefault("Source"));
            packages.Add(new OsPackage("deb", release?.Id ?? "debian", name, version, fields.GetValueOrDefault("Architecture"))
            {
                SourceName = sourceName,
                SourceVersion = sourceVersion,
                Distro = release?.Distro,
            });
        }

        return packages;
    }

    private static bool IsInstalled(string status)
    {
        var words = status.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return words.Length == 3 && words[1] == "ok" && words[2] == "installed";
    }

    /// <summary>"gcc-12 (12.2.0-14)" or "glibc".</summary>
    private static (string? Name, string? Version) Source(string? source)
    {
        if (string.IsNullOrWhiteSpace(source))
        {
            return (null, null);
        }

        var open = source.IndexOf('(');
        var close = source.LastIndexOf(')');
        return open > 0 && close > open
            ? (source[..open].Trim(), source[(open + 1)..close].Trim() is { Length: > 0 } version ? version : null)
            : (source.Trim(), null);
    }
}
