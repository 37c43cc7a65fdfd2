using Containerize.FileSystem;
using Containerize.Spec;

namespace Containerize.Tests.Unit.Support;

/// <summary>
/// An <see cref="ISpecFiles"/> that answers from what a test told it, never from the disk, and keeps every path it was
/// asked about: a path it was not told of is missing.
/// </summary>
internal sealed class FakeSpecFiles : ISpecFiles
{
    private readonly Dictionary<string, FileKind> kinds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> links = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<string>> texts = new(StringComparer.Ordinal);

    /// <summary>Every path asked about, in the order asked, once each.</summary>
    public List<string> Asked { get; } = [];

    /// <summary>Says that <paramref name="path"/> is of <paramref name="kind"/> (a link not followed).</summary>
    public FakeSpecFiles With(string path, FileKind kind)
    {
        kinds[path] = kind;
        return this;
    }

    /// <summary>Says that <paramref name="path"/> is a file holding <paramref name="text"/>.</summary>
    public FakeSpecFiles WithFile(string path, string text)
    {
        texts[path] = () => text;
        return With(path, FileKind.File);
    }

    /// <summary>Says that <paramref name="path"/> is a file that reading fails on with <paramref name="failure"/>.</summary>
    public FakeSpecFiles WithUnreadableFile(string path, Exception failure)
    {
        texts[path] = () => throw failure;
        return With(path, FileKind.File);
    }

    /// <summary>Says that <paramref name="path"/> is a link that leads to <paramref name="target"/> in the end (null: in a circle).</summary>
    public FakeSpecFiles WithLink(string path, string? target)
    {
        links[path] = target;
        return With(path, FileKind.Link);
    }

    public FileKind KindOf(string path) => kinds.GetValueOrDefault(Ask(path), FileKind.Missing);

    public string? LinkTarget(string path) => links.TryGetValue(Ask(path), out var target) ? target : throw new InvalidOperationException($"{path} is no link.");


    public string ReadText(string path) => texts.TryGetValue(Ask(path), out var text) ? text() : throw new FileNotFoundException($"Could not find file '{path}'.", path);

    private string Ask(string path)
    {
        if (!Asked.Contains(path))
        {
            Asked.Add(path);
        }

        return path;
    }
}
