using System.Text.RegularExpressions;
using Containerize.Spec;

namespace Containerize.Dockerfile;

/// <summary>
/// The base images a Dockerfile names in its FROM lines, so that the engine backend can pull them with the
/// registry's credentials before the build (the build endpoint would pull them anonymously) and notice when the
/// final one changes. Names built from ARGs ($…), earlier stages and scratch are the builder's to resolve.
/// </summary>
public static partial class DockerfileBases
{
    [GeneratedRegex(@"^\s*FROM\s+(?:--\S+\s+)*(?<image>\S+)(?:\s+AS\s+(?<stage>\S+))?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FromLine();

    /// <returns>The images pulled from a registry, in the order of their FROM lines, each once.</returns>
    public static IReadOnlyList<ImageReference> Find(string dockerfile)
    {
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "scratch" };
        var images = new List<ImageReference>();
        foreach (var line in dockerfile.Split('\n'))
        {
            var match = FromLine().Match(line.TrimEnd('\r'));
            if (!match.Success)
            {
                continue;
            }

            var image = match.Groups["image"].Value;
            if (!image.Contains('$') && !stages.Contains(image) && ImageReference.TryParse(image) is { } reference && !images.Contains(reference))
            {
                images.Add(reference);
            }

            if (match.Groups["stage"].Success)
            {
                stages.Add(match.Groups["stage"].Value);
            }
        }

        return images;
    }
}
