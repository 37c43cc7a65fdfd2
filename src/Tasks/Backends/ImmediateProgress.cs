namespace Containerize.Backends;

/// <summary>
/// Handles each progress message on the thread that reports it, before the request completes. (Progress&lt;T&gt;
/// posts to the thread pool, so its last messages — an error, a digest — can arrive after the await returned.)
/// </summary>
public sealed class ImmediateProgress<T>(Action<T> handler) : IProgress<T>
{
    public void Report(T value) => handler(value);
}
