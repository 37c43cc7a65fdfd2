namespace Containerize.Tests.Unit.Support;

/// <summary>One logical Dockerfile instruction: its keyword and the text after it (continuation lines joined).</summary>
internal sealed record DockerfileInstruction(string Keyword, string Arguments);
