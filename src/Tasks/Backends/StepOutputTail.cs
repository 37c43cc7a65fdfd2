namespace Containerize.Backends;

/// <summary>The last lines a build step printed (20, blank ones left out), for the error when the step fails.</summary>
public sealed class StepOutputTail
{
    private const int Kept = 20;
    private readonly Queue<string> lines = new();

    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        lines.Enqueue(line);
        if (lines.Count > Kept)
        {
            lines.Dequeue();
        }
    }

    public void Clear() => lines.Clear();

    public IReadOnlyList<string> ToList() => [.. lines];
}
