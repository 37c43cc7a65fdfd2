using System.Text;
using System.Text.RegularExpressions;
using Containerize.Spec;

namespace Containerize.Dockerfile;

/// <summary>
/// The base images a Dockerfile names in its FROM lines, so that the engine backend can pull them with the
/// registry's credentials before the build (the build endpoint would pull them anonymously) and notice when the
/// final one changes, and so that a base-image lock can pin them. Names built from ARGs ($…), earlier stages and
/// scratch are the builder's to resolve.
/// </summary>
public static partial class DockerfileBases
{
    [GeneratedRegex(@"^\s*FROM\s+(?:--\S+\s+)*(?<image>\S+)(?:\s+AS\s+(?<stage>\S+))?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex FromLine();

    /// <returns>The images pulled from a registry, in the order of their FROM lines, each once.</returns>
    public static IReadOnlyList<ImageReference> Find(string dockerfile)
    {
        var images = new List<ImageReference>();
        foreach (var (_, _, reference) in Images(dockerfile.Split('\n')))
        {
            if (!images.Contains(reference))
            {
                images.Add(reference);
            }
        }

        return images;
    }

    /// <summary>
    /// The Dockerfile with each FROM image that <paramref name="pin"/> has a replacement for written as that
    /// replacement (repository:tag@sha256:… from the lock); every other character as it was.
    /// </summary>
    public static string Pin(string dockerfile, IReadOnlyDictionary<ImageReference, ImageReference> pin)
    {
        var lines = dockerfile.Split('\n');
        foreach (var (line, image, reference) in Images(lines))
        {
            if (pin.TryGetValue(reference, out var pinned))
            {
                lines[line] = new StringBuilder(lines[line]).Remove(image.Index, image.Length).Insert(image.Index, pinned.ToString()).ToString();
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>Each FROM line that names an image of a registry: its line number, where the name is in it, and the reference.</summary>
    private static IEnumerable<(int Line, Group Image, ImageReference Reference)> Images(string[] lines)
    {
        var stages = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "scratch" };
        for (var number = 0; number < lines.Length; number++)
        {
            var match = FromLine().Match(lines[number].TrimEnd('\r'));
            if (!match.Success)
            {
                continue;
            }

            var image = match.Groups["image"];
            if (!image.Value.Contains('$') && !stages.Contains(image.Value) && ImageReference.TryParse(image.Value) is { } reference)
            {
                yield return (number, image, reference);
            }

            if (match.Groups["stage"].Success)
            {
                stages.Add(match.Groups["stage"].Value);
            }
        }
    }
}
