using System.Text.RegularExpressions;
using Containerize.Diagnostics;
using Containerize.FileSystem;

namespace Containerize.Spec;

/// <summary>
/// What several settings are checked by alike: paths and users in the image, the values one Dockerfile line can hold,
/// the last value given for a name winning, and what a path on disk the project names is (asked through
/// <see cref="ISpecFiles"/>).
/// </summary>
internal static class SettingRules
{
    /// <summary>An absolute path in the image: WORKDIR, ContainerWritableDirectory, a ContainerFile item's Destination.</summary>
    public static readonly Regex ImagePathPattern = new(@"^/[A-Za-z0-9._/@+-]*$", RegexOptions.CultureInvariant);

    /// <summary>A user[:group], by name or number: USER, a ContainerFile item's Owner.</summary>
    public static readonly Regex UserPattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]*)?$", RegexOptions.CultureInvariant);

    /// <summary>True when <paramref name="value"/> holds what one Dockerfile line cannot: a newline, a carriage return or NUL.</summary>
    public static bool HasLineBreakOrNul(string value) => value.IndexOfAny(['\n', '\r', '\0']) >= 0;

    /// <summary>Project metadata such as a multi-line Description becomes one line for a default label.</summary>
    public static string OneLine(string value) =>
        string.Join(' ', value.Split(['\n', '\r', '\0'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Keeps the first position of each name and the last value given for it.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> LastWins(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var pair in pairs)
        {
            var index = result.FindIndex(existing => existing.Key == pair.Key);
            if (index >= 0)
            {
                result[index] = pair;
            }
            else
            {
                result.Add(pair);
            }
        }

        return result;
    }

    /// <summary>
    /// What a path the project names is, its links followed by the rule every file the image gets follows
    /// (<see cref="SourceFiles.Follow(string, string, Func{string, FileKind}, Func{string, string})"/>): a file, a
    /// folder or missing; null when that is refused (a link that points nowhere or in a circle, a FIFO, socket or
    /// device: reported).
    /// </summary>
    /// <param name="what">Who names it, for the error: "ContainerFile 'certs'", "ContainerDockerfile".</param>
    public static FileKind? KindOf(string path, string what, ISpecFiles files, ICollection<Diagnostic> diagnostics)
    {
        try
        {
            return SourceFiles.Follow(path, what, files.KindOf, files.LinkTarget).Kind;
        }
        catch (ContainerizeException exception)
        {
            diagnostics.Add(exception.Diagnostic);
            return null;
        }
    }
}
