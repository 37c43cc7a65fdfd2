namespace Containerize.Sbom;

/// <summary>
/// Alpine's database of installed packages, lib/apk/db/installed: one paragraph per package, lines "X:value" with a
/// one-letter key (P name, V version, A architecture, o origin — the source package), paragraphs separated by blank lines.
/// </summary>
public static class ApkDatabaseParser
{
    /// <summary>Every paragraph with P and V. Never throws.</summary>
    /// <param name="release">The distribution (the purl namespace and distro qualifier); Alpine when unknown.</param>
    public static IReadOnlyList<OsPackage> Parse(string text, OsRelease? release)
    {
        var packages = new List<OsPackage>();
        foreach (var fields in Deb822.Paragraphs(text, ':', singleLetterKeys: true))
        {
            if (fields.TryGetValue("P", out var name) && fields.TryGetValue("V", out var version) && name.Length > 0 && version.Length > 0)
            {
                var origin = fields.GetValueOrDefault("o");
                packages.Add(new OsPackage("apk", release?.Id ?? "alpine", name, version, fields.GetValueOrDefault("A"))
                {
                    SourceName = string.IsNullOrEmpty(origin) ? null : origin,
                    Distro = release?.Distro,
                });
            }
        }

        return packages;
    }
}
