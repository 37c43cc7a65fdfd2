using System.Globalization;

namespace Containerize.Bench;

/// <summary>The machine the benchmark ran on, for the report.</summary>
/// <param name="Engines">per engine used: the tools that build in it, and its version, image store and socket</param>
public sealed record Machine(string Cpu, int Cores, long MemoryBytes, string Os, string Kernel, string DotnetSdk,
    IReadOnlyList<(string Tools, string Engine)> Engines, string RegistryVersion, string Date, string Commit, string LoadAtStart)
{
    public string LoadAtEnd { get; set; } = "";

    public static Machine Describe(Proc proc, string repo, IReadOnlyList<(string Tools, Engine Engine)> engines)
    {
        string cpu = "?";
        var cores = 0;
        foreach (var line in ReadLines("/proc/cpuinfo"))
        {
            if (line.StartsWith("model name", StringComparison.Ordinal) && cpu == "?") cpu = line[(line.IndexOf(':') + 1)..].Trim();
            if (line.StartsWith("processor", StringComparison.Ordinal)) cores++;
        }
        if (cores == 0) cores = Environment.ProcessorCount;
        long mem = 0;
        foreach (var line in ReadLines("/proc/meminfo"))
        {
            if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
            var kb = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
            mem = long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
        }
        var os = ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"') ?? "?";
        var kernel = ReadLines("/proc/sys/kernel/osrelease").FirstOrDefault() ?? "?";
        var sdk = proc.Output("dotnet", "--version") ?? "?";
        var described = engines.Select(e => (e.Tools, e.Engine.Describe(proc) ? e.Engine.Description : $"not answering at {e.Engine.Where}")).ToList();
        var registry = proc.Output("docker-registry", "--version")?.Split(' ').LastOrDefault() ?? "?";
        var commit = proc.Output("git", "-C", repo, "rev-parse", "--short=12", "HEAD") ?? "?";
        // --no-optional-locks: never touch the index (another engineer works in this tree).
        var dirty = proc.Output("git", "-C", repo, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no", "--", "src");
        if (!string.IsNullOrEmpty(dirty)) commit += " + uncommitted changes in src/";
        return new Machine(cpu, cores, mem, os, kernel, sdk, described, registry,
            DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), commit, Load());
    }

    /// <summary>The 1-, 5- and 15-minute load averages.</summary>
    public static string Load()
    {
        var parts = (ReadLines("/proc/loadavg").FirstOrDefault() ?? "").Split(' ');
        return parts.Length >= 3 ? $"{parts[0]} / {parts[1]} / {parts[2]}" : "?";
    }

    static IEnumerable<string> ReadLines(string path)
    {
        try { return File.ReadAllLines(path); }
        catch (IOException) { return []; }
        catch (UnauthorizedAccessException) { return []; }
    }
}
