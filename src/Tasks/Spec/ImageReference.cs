namespace Containerize.Spec;

/// <summary>An image reference: [registry/]repository[:tag][@digest], kept as the user wrote it.</summary>
public sealed record ImageReference(string? Registry, string Repository, string? Tag, string? Digest)
{
    public static ImageReference? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text) || text.Any(char.IsWhiteSpace))
        {
            return null;
        }

        string? digest = null;
        var name = text;
        var at = text.IndexOf('@');
        if (at >= 0)
        {
            digest = text[(at + 1)..];
            name = text[..at];
            if (!ReferenceRules.IsDigest(digest))
            {
                return null;
            }
        }

        string? tag = null;
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/'))
        {
            tag = name[(colon + 1)..];
            name = name[..colon];
            if (!ReferenceRules.IsTag(tag))
            {
                return null;
            }
        }

        string? registry = null;
        var slash = name.IndexOf('/');
        if (slash > 0 && ReferenceRules.LooksLikeRegistry(name[..slash]))
        {
            registry = name[..slash];
            name = name[(slash + 1)..];
            if (!ReferenceRules.IsRegistry(registry))
            {
                return null;
            }
        }

        return ReferenceRules.IsRepository(name) ? new ImageReference(registry, name, tag, digest) : null;
    }

    public override string ToString() =>
        (Registry is null ? "" : Registry + "/") + Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);
}
