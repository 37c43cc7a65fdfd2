using System.Text.RegularExpressions;

namespace Containerize.Backends;

/// <summary>Builders colour a step's standard error with terminal escapes; the log and error messages get the plain text.</summary>
public static partial class TerminalText
{
    public static string WithoutColours(string text) => Colour().Replace(text, "");

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex Colour();
}
