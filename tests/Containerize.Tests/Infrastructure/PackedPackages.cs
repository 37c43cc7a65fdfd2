namespace Containerize.Tests.Infrastructure;

/// <summary>
/// The packages under test, as a user gets them: packed into artifacts/packages by the test command, restored into a
/// NuGet folder of the tests' own from which every earlier copy of Containerize was removed first (NuGet caches a
/// package by id and version, so an unchanged version would otherwise bring back a stale build).
/// </summary>
public static class PackedPackages
{
    public static string NuGetFolder => Path.Combine(Repository.Root, "artifacts", "test-nuget-packages");

    public static string Version { get; } = FindVersion();

    /// <summary>
    /// Removes a cached Containerize package that is not the one just packed (NuGet records each package's SHA-512).
    /// A folder without that record is left to NuGet: it is one being extracted, perhaps by the other engine's test
    /// pass running beside this one (NuGet extracts again a folder it never finished), and that pass may also have
    /// removed the stale copy first.
    /// </summary>
    public static void ForgetCachedCopies()
    {
        foreach (var id in new[] { "Containerize", "Containerize.Sdk" })
        {
            var folder = Path.Combine(NuGetFolder, id.ToLowerInvariant(), Version);
            var packed = Path.Combine(Repository.PackagesDirectory, $"{id}.{Version}.nupkg");
            var recorded = Path.Combine(folder, $"{id.ToLowerInvariant()}.{Version}.nupkg.sha512");
            try
            {
                if (File.Exists(recorded) && File.ReadAllText(recorded).Trim() != Sha512(packed))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                // the other pass removed it first
            }
        }
    }

    private static string Sha512(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToBase64String(System.Security.Cryptography.SHA512.HashData(stream));
    }

    private static string FindVersion()
    {
        var package = Directory.Exists(Repository.PackagesDirectory)
            ? Directory.GetFiles(Repository.PackagesDirectory, "Containerize.Sdk.*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        if (package is null)
        {
            Assert.Fail($"No Containerize package in {Repository.PackagesDirectory}: run 'dotnet pack Containerize.sln -c Release -o artifacts/packages' first.");
        }

        return Path.GetFileNameWithoutExtension(package!)["Containerize.Sdk.".Length..];
    }
}
