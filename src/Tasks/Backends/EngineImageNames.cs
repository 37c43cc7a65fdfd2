using Containerize.Registries;
using Containerize.Spec;

namespace Containerize.Backends;

/// <summary>
/// Whether a name an engine lists an image under (RepoTags, RepoDigests) is the reference Containerize asked about.
/// Engines write names their own way: Docker Engine in the familiar form ("app:1" for docker.io/library/app:1,
/// "acme/app:1" for docker.io/acme/app:1), Podman fully qualified ("docker.io/library/app:1" for an image its
/// Docker-compatible API built, "localhost/app:1" for one it loaded under a name without a registry).
/// </summary>
public static class EngineImageNames
{
    private const string PodmanLocal = "localhost";

    public static bool Same(string asked, string listed)
    {
        if (asked == listed)
        {
            return true;
        }

        if (ImageReference.TryParse(asked) is not { } a || ImageReference.TryParse(listed) is not { } l)
        {
            return false;
        }

        return Canonical(a) == Canonical(l) || (a.Registry is null && l.Registry == PodmanLocal && (a with { Registry = PodmanLocal }) == l);
    }

    /// <summary>
    /// The names to ask an engine's image list for (its "reference" filter) to find <paramref name="name"/>: the name,
    /// and for a Docker Hub name the familiar form too — Docker Engine matches the filter against the familiar names
    /// only ("docker.io/acme/app:1" finds nothing, "acme/app:1" finds it; seen on 20.10 and 28).
    /// </summary>
    public static IEnumerable<string> FilterForms(string name)
    {
        yield return name;
        if (ImageReference.TryParse(name) is { } reference && RegistryNames.HostOf(reference) == RegistryNames.DockerHub)
        {
            var repository = reference.Repository.StartsWith("library/", StringComparison.Ordinal) && reference.Repository.Count(c => c == '/') == 1
                ? reference.Repository["library/".Length..]
                : reference.Repository;
            var familiar = (reference with { Registry = null, Repository = repository }).ToString();
            if (familiar != name)
            {
                yield return familiar;
            }
        }
    }

    /// <summary>registry/repository:tag@digest with Docker Hub's registry and library/ written out.</summary>
    private static ImageReference Canonical(ImageReference reference)
    {
        var registry = RegistryNames.HostOf(reference);
        var repository = registry == RegistryNames.DockerHub && !reference.Repository.Contains('/') ? "library/" + reference.Repository : reference.Repository;
        return reference with { Registry = registry, Repository = repository };
    }
}
