namespace Containerize.Diagnostics;

/// <summary>A failure that ends the run and is reported as one CTZ error.</summary>
public sealed class ContainerizeException : Exception
{
    public ContainerizeException(Diagnostic diagnostic, Exception? inner = null)
        : base(diagnostic.Message, inner) => Diagnostic = diagnostic;

    public Diagnostic Diagnostic { get; }
}
