using System.Diagnostics;

namespace Containerize.Tests.Unit.Support;

/// <summary>A FIFO (named pipe) on disk, made by mkfifo: opening it for reading waits for a writer, so code under test must never open it.</summary>
internal static class Fifo
{
    /// <returns><paramref name="path"/>.</returns>
    public static string Make(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var mkfifo = Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.AreEqual(0, mkfifo.ExitCode, $"mkfifo {path}");
        return path;
    }
}
