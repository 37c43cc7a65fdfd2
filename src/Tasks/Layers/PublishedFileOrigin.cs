namespace Containerize.Layers;

/// <summary>Where a published file came from, as the SDK's ResolvedFileToPublish items say.</summary>
public sealed record PublishedFileOrigin(string PackageId, string PackageVersion, bool FromProjectReference)
{
    /// <summary>Runtime packs (Microsoft.NETCore.App.Runtime.linux-x64, Microsoft.AspNetCore.App.Runtime.…) of a self-contained app.</summary>
    public bool IsRuntimePack => PackageId.Contains(".App.Runtime.", StringComparison.OrdinalIgnoreCase);

    public bool IsPrerelease => PackageVersion.Contains('-');
}
