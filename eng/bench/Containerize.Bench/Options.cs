using System.Globalization;

namespace Containerize.Bench;

public sealed class Options
{
    /// <summary>Every tool, in the order of the plan and the report's columns (see <see cref="Tool"/>).</summary>
    public static readonly string[] AllTools = ["sdk", "docker", "docker-legacy", "docker28", "daemonless", "daemonless-bare"];

    /// <summary>
    /// Tools that are the same as another without its supply-chain attachments (ContainerSbom=false,
    /// ContainerProvenance=false): the reference of the target "SBOM + provenance" (see <see cref="Tool.BareOf"/>).
    /// They run in the main part only, never in the memory or scale runs.
    /// </summary>
    public static readonly string[] BareTools = ["daemonless-bare"];

    /// <summary>Engine 28 with the containerd image store (the test environment's, eng/env/docker28.sh).</summary>
    public const string DefaultEngine28Host = "unix:///run/containerize-docker28/docker.sock";

    public string Repo { get; set; } = Directory.GetCurrentDirectory();
    public string? App { get; set; }
    public int Runs { get; set; } = 3;
    public List<string> Tools { get; set; } = [.. AllTools];
    public bool OnlyGiven { get; set; }
    public bool SkipMain { get; set; }
    public bool SkipMemory { get; set; }
    public bool SkipScale { get; set; }
    public bool DryRun { get; set; }
    public bool Keep { get; set; }
    public string? Doc { get; set; }
    public bool DocGiven { get; set; }
    public bool NoDoc { get; set; }
    public int MemoryMiB { get; set; } = 1024;
    /// <summary>Each measured build also writes a binary log (-bl) beside its text log.</summary>
    public bool Binlog { get; set; }
    public List<int> Scale { get; set; } = [1, 4, 8];
    public List<string> ScaleBackends { get; set; } = ["docker"];
    /// <summary>0: a free port in 5100-5199, chosen per run (see Bench).</summary>
    public int ProxyPort { get; set; }
    public int RegistryPort { get; set; } = 5200;
    public string BaseImage { get; set; } = DefaultBaseRegistry() + "/dotnet/aspnet:10.0";

    static string DefaultBaseRegistry() =>
        Environment.GetEnvironmentVariable("CONTAINERIZE_TEST_BASE_REGISTRY") is { Length: > 0 } r ? r : "localhost:5000";
    public string? NugetPackages { get; set; }
    public string? PackageDir { get; set; }
    public string Engine28Host { get; set; } =
        Environment.GetEnvironmentVariable("CONTAINERIZE_TEST_ENGINE28_HOST") is { Length: > 0 } h ? h : DefaultEngine28Host;

    public string AppDir => App ?? Path.GetFullPath(Path.Combine(Repo, "..", "shared", "bench", "WebDeps"));
    public string DocPath => Doc ?? Path.Combine(Repo, "docs", "performance.md");
    public string PackagesDir => PackageDir ?? Path.Combine(Repo, "artifacts", "packages");
    public string NugetDir => NugetPackages ?? Path.Combine(Repo, "artifacts", "bench-nuget-packages");
    /// <summary>The Containerize tools of the plan (all but the SDK).</summary>
    public IEnumerable<string> Backends => Tools.Where(t => t != "sdk");

    /// <summary>The memory runs: the two backends as before (docker: BuildKit on the default engine).</summary>
    public IEnumerable<string> MemoryBackends => Tools.Where(t => t is "docker" or "daemonless");

    /// <summary>Everything of the default plan runs (so the report may replace docs/performance.md).</summary>
    public bool Complete => !OnlyGiven && !SkipMain && !SkipMemory && !SkipScale;

    public const string Usage = """
        usage: eng/bench/run.sh [options]

          --runs N            runs per scenario for the medians (default 3)
          --only LIST         tools, comma-separated (default all six):
                                sdk            the .NET SDK's -t:PublishContainer
                                docker         Containerize, engine backend, BuildKit, default engine (20.10)
                                docker-legacy  Containerize, engine backend, legacy builder, default engine (20.10)
                                docker28       Containerize, engine backend, BuildKit, engine 28 (containerd image store)
                                daemonless     Containerize, daemonless backend
                                daemonless-bare
                                               the same with -p:ContainerSbom=false -p:ContainerProvenance=false: no
                                               SBOM, no provenance (the reference of the target "SBOM + provenance";
                                               main part only, never in the memory or scale runs)
                              Every Containerize tool but daemonless-bare writes the SBOM and attaches it and the
                              provenance to the pushed image (ContainerSbom and ContainerProvenance default to true).
          --skip-main         skip cold / no change / code change / publish alone
          --skip-memory       skip the peak-memory runs with a large publish output
          --skip-scale        skip the 1/4/8-project solution runs
          --memory-mb N       size of the generated content file in MiB (default 1024)
          --scale LIST        solution sizes, comma-separated (default 1,4,8)
          --scale-backends L  tools for the scale runs: docker, docker-legacy, docker28, daemonless (default docker,
                              what ContainerizeBackend=auto and ContainerizeBuilder=auto pick when an engine runs)
          --binlog            each measured build also writes an MSBuild binary log beside its log (logs/NAME.binlog):
                              every message with its time ("Wrote the SBOM", "Attached to ..."), for where a build's
                              time goes; with --keep. It slows every build a little: compare runs made alike
          --dry-run, --check  verify prerequisites and print the plan; builds and pushes nothing (exit 0 = ready)
          --doc PATH          write the report there (default docs/performance.md, written only by a complete run)
          --no-doc            do not write the report
          --keep              keep the temporary folder (logs of every build) and say where it is
          --app DIR           the app (default ../shared/bench/WebDeps beside the repository)
          --base-image REF    base image to copy into the benchmark's registry (default localhost:5000/dotnet/aspnet:10.0)
          --proxy-port N      the counting proxy's port on 127.0.0.1 (default: a free one in 5100-5199, new each run)
          --registry-port N   the benchmark's own registry's port on 127.0.0.1 (default 5200)
          --engine28-host URL engine 28 for the docker28 tool (default $CONTAINERIZE_TEST_ENGINE28_HOST, else
                              unix:///run/containerize-docker28/docker.sock)
          --nuget-packages D  NUGET_PACKAGES for the benchmark's restores (default artifacts/bench-nuget-packages)
          --packages D        folder with Containerize.0.1.0.nupkg (default artifacts/packages)
          --repo DIR          the repository (run.sh passes it)
        run.sh also takes --pack (always pack first) and --no-pack (use artifacts/packages as it is);
        by default it packs when the package is missing or older than a file under src/.
        """;

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            var a = args[i];
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            int NextInt() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new ArgumentException($"{a} needs a positive number");
            switch (a)
            {
                case "--repo": o.Repo = Path.GetFullPath(Next()); break;
                case "--app": o.App = Path.GetFullPath(Next()); break;
                case "--runs": o.Runs = NextInt(); break;
                case "--only":
                    o.Tools = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
                    foreach (var t in o.Tools)
                        if (!AllTools.Contains(t)) throw new ArgumentException($"--only: unknown tool '{t}' ({string.Join(", ", AllTools)})");
                    if (o.Tools.Count == 0) throw new ArgumentException("--only needs at least one tool");
                    o.Tools = AllTools.Where(o.Tools.Contains).ToList();
                    o.OnlyGiven = o.Tools.Count < AllTools.Length;
                    break;
                case "--skip-main": o.SkipMain = true; break;
                case "--skip-memory": o.SkipMemory = true; break;
                case "--skip-scale": o.SkipScale = true; break;
                case "--memory-mb": o.MemoryMiB = NextInt(); break;
                case "--scale":
                    o.Scale = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                        .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                            ? n : throw new ArgumentException($"--scale: '{s}' is not a positive number"))
                        .Distinct().Order().ToList();
                    break;
                case "--scale-backends":
                    o.ScaleBackends = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
                    foreach (var t in o.ScaleBackends)
                        if (t == "sdk" || BareTools.Contains(t) || !AllTools.Contains(t))
                            throw new ArgumentException($"--scale-backends: unknown backend '{t}' ({string.Join(", ", AllTools.Where(x => x != "sdk" && !BareTools.Contains(x)))})");
                    break;
                case "--binlog": o.Binlog = true; break;
                case "--dry-run" or "--check": o.DryRun = true; break;
                case "--doc": o.Doc = Path.GetFullPath(Next()); o.DocGiven = true; break;
                case "--no-doc": o.NoDoc = true; break;
                case "--keep": o.Keep = true; break;
                case "--base-image": o.BaseImage = Next(); break;
                case "--proxy-port": o.ProxyPort = NextInt(); break;
                case "--registry-port": o.RegistryPort = NextInt(); break;
                case "--engine28-host": o.Engine28Host = Next(); break;
                case "--nuget-packages": o.NugetPackages = Path.GetFullPath(Next()); break;
                case "--packages": o.PackageDir = Path.GetFullPath(Next()); break;
                case "--pack" or "--no-pack": break; // read by run.sh
                default: throw new ArgumentException($"unknown option {a}");
            }
        }
        return o;
    }
}

/// <summary>What one tool of the benchmark runs.</summary>
/// <param name="Name">sdk, docker, docker-legacy, docker28, daemonless, daemonless-bare (or plain: dotnet publish alone)</param>
/// <param name="Backend">ContainerizeBackend (null: not Containerize)</param>
/// <param name="Builder">ContainerizeBuilder for the engine backend (null: none)</param>
/// <param name="EngineKey">the engine it builds in (null: none): <see cref="Engine.DefaultKey"/> or <see cref="Engine.Docker28Key"/></param>
/// <param name="Bare">true: ContainerSbom=false and ContainerProvenance=false (no SBOM, no provenance attached)</param>
public sealed record Tool(string Name, string? Backend, string? Builder, string? EngineKey, bool Bare = false)
{
    public static Tool Of(string name) => name switch
    {
        "docker" => new(name, "docker", "buildkit", Engine.DefaultKey),
        "docker-legacy" => new(name, "docker", "legacy", Engine.DefaultKey),
        "docker28" => new(name, "docker", "buildkit", Engine.Docker28Key),
        "daemonless" => new(name, "daemonless", null, null),
        "daemonless-bare" => new(name, "daemonless", null, null, Bare: true),
        _ => new(name, null, null, null), // sdk, plain
    };

    /// <summary>The properties that turn the supply-chain attachments off (both default to true).</summary>
    public static readonly string[] BareProperties = ["-p:ContainerSbom=false", "-p:ContainerProvenance=false"];

    /// <summary>The bare counterpart of TOOL (the same without SBOM and provenance), or null when there is none.</summary>
    public static string? BareOf(string tool) => Options.BareTools.FirstOrDefault(b => b == tool + "-bare");

    /// <summary>The MSBuild properties that select it (after -p:Containerize=true).</summary>
    public IEnumerable<string> Properties
    {
        get
        {
            if (Backend is null) return [];
            List<string> p = [$"-p:ContainerizeBackend={Backend}"];
            if (Builder is not null) p.Add($"-p:ContainerizeBuilder={Builder}");
            if (Bare) p.AddRange(BareProperties);
            return p;
        }
    }

    /// <summary>For the report: backend, builder and engine in words.</summary>
    public string Words => Name switch
    {
        "sdk" => "the .NET SDK's `-t:PublishContainer`",
        "daemonless" => "Containerize, daemonless backend (in-process, pushes itself; SBOM and provenance attached, the defaults)",
        "daemonless-bare" => "Containerize, daemonless backend without SBOM and provenance (ContainerSbom=false, ContainerProvenance=false)",
        _ when Backend == "docker" => $"Containerize, engine backend, {(Builder == "legacy" ? "legacy builder" : "BuildKit")}, " +
                                      (EngineKey == Engine.Docker28Key ? "engine 28 (containerd image store)" : "default engine"),
        _ => Name,
    };
}

