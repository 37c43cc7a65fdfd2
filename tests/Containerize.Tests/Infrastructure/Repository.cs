namespace Containerize.Tests.Infrastructure;

/// <summary>Paths of the repository the tests run from.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PackagesDirectory => Path.Combine(Root, "artifacts", "packages");

    public static string SamplesDirectory => Path.Combine(Root, "samples");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Containerize.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Containerize.sln not found above " + AppContext.BaseDirectory);
    }
}
