namespace Containerize.Sbom;

/// <summary>
/// A package or project reference of the app's restore graph, for one target (framework and runtime identifier).
/// </summary>
/// <param name="Id">The id as the assets file spells it (the package's own casing).</param>
/// <param name="Version">The resolved version (normalized by NuGet, as the assets file has it).</param>
public sealed record NuGetComponent(string Id, string Version, NuGetComponentKind Kind)
{
    /// <summary>"Id/Version", the assets file's key: unique in a target.</summary>
    public string Key => $"{Id}/{Version}";

    /// <summary>The SHA-512 of the .nupkg that NuGet recorded at restore ("libraries"), lower-case hex; null for projects and when absent.</summary>
    public string? Sha512 { get; init; }

    /// <summary>The nuspec's &lt;license type="expression"&gt; (an SPDX license expression); null when it has none or was not found.</summary>
    public string? LicenseExpression { get; init; }

    /// <summary>The nuspec's &lt;licenseUrl&gt;, kept only when there is no expression (NuGet's placeholder URL is left out).</summary>
    public string? LicenseUrl { get; init; }

    /// <summary>The keys ("Id/Version") of the components this one depends on, resolved in the same target, sorted ordinally.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Whether the component puts a file into the publish output, hence the image (see docs/supply-chain.md for the rule).</summary>
    public bool InImage { get; init; } = true;

    /// <summary>A project's path as the assets file gives it (relative to the project); null for packages.</summary>
    public string? ProjectPath { get; init; }
}
