namespace Containerize.Diagnostics;

public enum Severity
{
    Error,
    Warning,
    Message,
}

/// <summary>One line for the build log: an error or warning with its CTZ code, or a plain message.</summary>
public sealed record Diagnostic(string Code, string Message, Severity Severity = Severity.Error)
{
    public override string ToString() => Code.Length == 0 ? Message : $"{Code}: {Message}";
}
