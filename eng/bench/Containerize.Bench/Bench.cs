using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Containerize.Bench;

/// <summary>One measured build.</summary>
/// <param name="Tool">sdk, docker, docker-legacy, docker28, daemonless, or plain (dotnet publish alone)</param>
/// <param name="Scenario">publish, cold, nochange, change, memory, scale</param>
/// <param name="Index">the run's number (scale: the number of projects)</param>
/// <param name="FirstWrite">seconds from the start to the first write request (POST, PUT, PATCH) through the proxy; NaN: none</param>
/// <param name="MountedDigests">the blobs the registry mounted from another repository (cross-repository mounts that succeeded)</param>
public sealed record Measurement(string Tool, string Scenario, int Index, string Repository, double Seconds,
    long Sent, long Received, long NewBlobBytes, int Requests, int WriteRequests, long PeakRss, double FirstWrite = double.NaN,
    IReadOnlyList<string>? MountedDigests = null)
{
    public IReadOnlyList<string> MountedDigests { get; init; } = MountedDigests ?? [];
}

public sealed class BenchFailure(string message) : Exception(message);

/// <summary>The benchmark: prerequisites, the plan, the runs (see eng/bench/README.md).</summary>
public sealed class Bench
{
    const string PackageVersion = "0.1.0";
    const string ChangeMarker = "\"Hello from Docker! \"";

    readonly Options _o;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly object _cleanupGate = new();
    readonly Dictionary<string, Engine> _engines;
    string _tmp = "";
    Proc _proc;
    Registry? _registry;
    Proxy? _proxy;
    bool _cleanedUp;
    volatile bool _stopping;

    public List<Measurement> Results { get; } = [];
    public Dictionary<string, ImageInfo> Images { get; } = new(StringComparer.Ordinal);
    public ImageInfo? BaseInfo { get; private set; }
    public List<string> Failures { get; } = [];
    public List<string> Notes { get; } = [];
    public Machine? Machine { get; private set; }
    public string PackageInfo { get; private set; } = "";

    public Bench(Options o)
    {
        _o = o;
        // The registry's name (localhost:PORT) is new each run: the engine remembers which repositories of a registry
        // name hold a layer and tries to mount from them; the repositories of an earlier run went with its registry,
        // and failed mounts of those would make the engine upload the base layers instead.
        if (o.ProxyPort == 0)
            o.ProxyPort = Enumerable.Range(5100, 100).OrderBy(_ => Random.Shared.Next()).FirstOrDefault(p => p != o.RegistryPort && Proxy.PortFree(p));
        _proc = new Proc(new Dictionary<string, string?> { [Proc.MarkerVariable] = "check" });
        _engines = new Dictionary<string, Engine>(StringComparer.Ordinal)
        {
            [Engine.DefaultKey] = Engine.Default(),
            [Engine.Docker28Key] = Engine.Docker28(o.Engine28Host),
        };
        var (host, repo, tag) = SplitImage(o.BaseImage);
        SourceRegistry = host;
        BaseRepository = repo;
        BaseTag = tag;
    }

    public Options Options => _o;
    public string SourceRegistry { get; }
    public string BaseRepository { get; }
    public string BaseTag { get; }
    string ProxyHost => $"localhost:{_o.ProxyPort}";
    public string BaseRef => $"{ProxyHost}/{BaseRepository}:{BaseTag}";
    string Nupkg => Path.Combine(_o.PackagesDir, $"Containerize.{PackageVersion}.nupkg");
    bool NeedsPackage => _o.Backends.Any();

    /// <summary>The engine TOOL builds in; null for the SDK, daemonless and plain publish.</summary>
    public Engine? EngineOf(string tool) => Tool.Of(tool).EngineKey is { } key ? _engines[key] : null;

    /// <summary>The engines the chosen tools build in (scale and memory use chosen tools only), default engine first.</summary>
    public IReadOnlyList<Engine> EnginesUsed =>
        _engines.Values.Where(e => _o.Tools.Any(t => Tool.Of(t).EngineKey == e.Key)).ToList();

    /// <summary>The tools that build in ENGINE, for the report.</summary>
    public IEnumerable<string> ToolsOf(Engine engine) => _o.Tools.Where(t => Tool.Of(t).EngineKey == engine.Key);

    static (string Host, string Repo, string Tag) SplitImage(string image)
    {
        var slash = image.IndexOf('/');
        if (slash < 0) throw new ArgumentException($"--base-image {image}: expected HOST[:PORT]/REPOSITORY:TAG");
        var host = image[..slash];
        var rest = image[(slash + 1)..];
        var colon = rest.LastIndexOf(':');
        return colon > 0 ? (host, rest[..colon], rest[(colon + 1)..]) : (host, rest, "latest");
    }

    void Say(string text)
    {
        var t = _clock.Elapsed;
        Console.WriteLine($"[{(int)t.TotalMinutes:00}:{t.Seconds:00}] {text}");
    }

    // ------------------------------------------------------------------------------------------ prerequisites

    /// <summary>Checks what the benchmark needs; returns the problems (empty: ready).</summary>
    public List<string> Check(bool dryRun)
    {
        var problems = new List<string>();
        void Ok(string what) => Console.WriteLine($"  ok       {what}");
        void Bad(string what) { Console.WriteLine($"  MISSING  {what}"); problems.Add(what); }
        void Note(string what) => Console.WriteLine($"  note     {what}");

        Console.WriteLine("Prerequisites:");
        var program = Path.Combine(_o.AppDir, "Program.cs");
        if (Directory.Exists(_o.AppDir) && Directory.GetFiles(_o.AppDir, "*.csproj").Length == 1 && File.Exists(program) &&
            File.ReadAllText(program).Contains(ChangeMarker, StringComparison.Ordinal))
            Ok($"app {_o.AppDir} (one project, Program.cs holds {ChangeMarker})");
        else Bad($"app {_o.AppDir}: one *.csproj and a Program.cs holding {ChangeMarker}");

        var sdk = _proc.Output("dotnet", "--version");
        if (sdk is not null) Ok($"dotnet SDK {sdk}"); else Bad("dotnet on PATH");

        if (_proc.Output("docker-registry", "--version") is { } reg) Ok($"docker-registry ({reg.Split(' ').Last()}) for the benchmark's own registry");
        else Bad("docker-registry on PATH (eng/env/up.sh installs it)");
        if (_proc.Output("skopeo", "--version") is { } sk) Ok(sk); else Bad("skopeo on PATH (eng/env/up.sh installs it)");

        foreach (var engine in EnginesUsed)
        {
            var tools = string.Join(", ", ToolsOf(engine));
            if (!engine.Describe(_proc))
            {
                Bad(engine.Key == Engine.Docker28Key
                    ? $"engine 28 for {tools}: `DOCKER_HOST={engine.Host} docker version` gets no answer (eng/env/up.sh starts it; --engine28-host; or --only without docker28)"
                    : $"a Docker engine answering the docker CLI at {engine.Where} for {tools} (source eng/env/enter.sh)");
                continue;
            }
            Ok($"Docker engine for {tools} answers: {engine.Description}");
            if (engine.Key == Engine.Docker28Key && !engine.ContainerdStore)
                Note($"the engine at {engine.Host} does not use the containerd image store: docker28 is meant to measure one");
        }

        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            using var req = new HttpRequestMessage(HttpMethod.Head, $"http://{SourceRegistry}/v2/{BaseRepository}/manifests/{BaseTag}");
            foreach (var t in new[] { "application/vnd.docker.distribution.manifest.v2+json", "application/vnd.oci.image.manifest.v1+json",
                         "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json" })
                req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(t));
            using var resp = http.Send(req);
            if (resp.IsSuccessStatusCode) Ok($"base image {_o.BaseImage} in its registry");
            else Bad($"base image {_o.BaseImage}: the registry answers {(int)resp.StatusCode} (source eng/env/enter.sh)");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Bad($"base image {_o.BaseImage}: registry {SourceRegistry} does not answer (source eng/env/enter.sh)");
        }

        foreach (var (port, what) in new[] { (_o.ProxyPort, "proxy"), (_o.RegistryPort, "own registry") })
        {
            if (port == 0) Bad($"no free port in 5100-5199 for the {what} (--proxy-port)");
            else if (Proxy.PortFree(port)) Ok($"127.0.0.1:{port} free for the {what}");
            else Bad($"127.0.0.1:{port} is in use (the {what}'s port; pick another with --{(what == "proxy" ? "proxy" : "registry")}-port)");
        }
        if (_o.ProxyPort == _o.RegistryPort) Bad("--proxy-port and --registry-port must differ");

        if (File.Exists("/proc/self/statm")) Ok("/proc readable (peak RSS sampling)"); else Bad("/proc (Linux) for the RSS sampling");

        if (NeedsPackage)
        {
            if (File.Exists(Nupkg)) Ok($"{Nupkg} ({File.GetLastWriteTimeUtc(Nupkg):yyyy-MM-dd HH:mm} UTC)");
            else if (dryRun) Note($"{Nupkg} is missing: run.sh packs it before a real run");
            else Bad($"{Nupkg} (dotnet pack Containerize.sln -c Release -o artifacts/packages)");
        }

        var tmpRoot = Path.GetTempPath();
        var free = new DriveInfo(tmpRoot).AvailableFreeSpace;
        var need = 3L << 30;
        if (!_o.SkipMemory && _o.MemoryBackends.Any()) need += (long)_o.MemoryMiB * 1024 * 1024 * 7;
        if (free >= need) Ok($"{free / 1e9:0.#} GB free in {tmpRoot} (needs about {need / 1e9:0.#} GB)");
        else Bad($"{free / 1e9:0.#} GB free in {tmpRoot}, about {need / 1e9:0.#} GB needed (or --skip-memory / smaller --memory-mb)");
        Console.WriteLine(problems.Count == 0 ? "All prerequisites met." : $"{problems.Count} prerequisite(s) missing.");
        return problems;
    }

    public void PrintPlan()
    {
        var common = $"-p:ContainerRegistry={ProxyHost} -p:ContainerBaseImage={BaseRef}";
        Console.WriteLine();
        Console.WriteLine("Plan:");
        Console.WriteLine($"  setup (not timed): a registry of its own on 127.0.0.1:{_o.RegistryPort} (storage in a temporary folder), {_o.BaseImage}");
        Console.WriteLine($"    copied into it with skopeo, a counting proxy 127.0.0.1:{_o.ProxyPort} -> :{_o.RegistryPort} that every tool goes through,");
        foreach (var e in EnginesUsed) Console.WriteLine($"    the base pulled into the engine at {e.Where} as {BaseRef} (and pushed back once, nothing sent),");
        foreach (var (t, mb) in MountBases) Console.WriteLine($"    for {t} (containerd image store) the base also as {mb}, tagged and pushed by its engine: its cross-repository mount source,");
        Console.WriteLine($"    copies of {_o.AppDir} restored with NUGET_PACKAGES={_o.NugetDir} (its containerize folders removed first)");
        var builds = 0;
        if (!_o.SkipMain)
        {
            Console.WriteLine($"  publish alone (floor): 1 warm-up + {_o.Runs} x dotnet publish -c Release --no-restore (no change)");
            foreach (var t in _o.Tools)
            {
                var tool = Tool.Of(t);
                var env = EngineOf(t)?.Host is { } host ? $"DOCKER_HOST={host} " : "";
                var cmd = t == "sdk"
                    ? $"dotnet publish -c Release --no-restore -t:PublishContainer {common} -p:ContainerRepository=bench/sdk-cold-N"
                    : $"{env}dotnet publish -c Release --no-restore -p:Containerize=true {string.Join(' ', tool.Properties)} {common} -p:ContainerRepository=bench/{t}-cold-N";
                Console.WriteLine($"  {t,-15}  {tool.Words.Replace("`", "", StringComparison.Ordinal)}");
                Console.WriteLine($"                   {_o.Runs} cold (clean bin/obj, new repository each), {_o.Runs} no change, {_o.Runs} code change (one string in Program.cs)");
                Console.WriteLine($"                   {cmd}");
            }
            builds += 1 + _o.Runs + _o.Tools.Count * 3 * _o.Runs;
        }
        if (!_o.SkipMemory && _o.MemoryBackends.Any())
        {
            Console.WriteLine($"  memory: a {_o.MemoryMiB} MiB content file in the publish output; after an unmeasured publish, peak RSS of the process tree");
            Console.WriteLine($"          (every 100 ms, -nodeReuse:false --disable-build-servers) for: plain publish, {string.Join(", ", _o.MemoryBackends)}");
            Console.WriteLine("          (docker: the image stays in the engine; daemonless: pushed through the proxy; the other tools are not in it)");
            builds += 2 + _o.MemoryBackends.Count();
        }
        var scaleBackends = _o.ScaleBackends.Where(_o.Tools.Contains).ToList();
        if (!_o.SkipScale && scaleBackends.Count > 0)
        {
            Console.WriteLine($"  scale: solutions of {string.Join(", ", _o.Scale)} copies (App1..AppN), cold, once each, for {string.Join(", ", scaleBackends)}:");
            Console.WriteLine($"          dotnet publish ScaleN.slnx -c Release --no-restore -m -p:Containerize=true <the tool's properties> {common}");
            builds += _o.Scale.Count * scaleBackends.Count;
        }
        Console.WriteLine($"  about {builds} measured builds; report: {(_o.NoDoc ? "console only" : _o.Complete || _o.DocGiven ? _o.DocPath : "console only (a partial run does not replace the doc; --doc PATH to write one)")}");
    }

    // ------------------------------------------------------------------------------------------ setup

    public void Setup()
    {
        _tmp = Directory.CreateTempSubdirectory("ctz-bench-").FullName;
        foreach (var d in new[] { "tmp", "cache", "logs", "work", "registry" }) Directory.CreateDirectory(Path.Combine(_tmp, d));
        _proc = new Proc(new Dictionary<string, string?>
        {
            [Proc.MarkerVariable] = _tmp,
            ["NUGET_PACKAGES"] = _o.NugetDir,
            // The SDK's content store and MSBuild's temporary files, and the daemonless backend's blob cache, in here.
            ["TMPDIR"] = Path.Combine(_tmp, "tmp"),
            ["XDG_CACHE_HOME"] = Path.Combine(_tmp, "cache"),
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "true",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
        });
        Machine = Machine.Describe(_proc, _o.Repo, EnginesUsed.Select(e => (string.Join(", ", ToolsOf(e)), e)).ToList());
        Say($"temporary folder {_tmp}; load average {Machine.LoadAtStart}");

        _registry = Registry.Start(Path.Combine(_tmp, "registry"), _o.RegistryPort, _tmp);
        Say($"registry of its own on 127.0.0.1:{_o.RegistryPort}; copying {_o.BaseImage} into it");
        Must(_proc.Run(_tmp, Log("setup-skopeo"), "skopeo",
            ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{_o.BaseImage}",
                $"docker://127.0.0.1:{_o.RegistryPort}/{BaseRepository}:{BaseTag}"]), "skopeo copy of the base image");
        BaseInfo = _registry.Manifest(BaseRepository, BaseTag) ?? throw new BenchFailure("the base image is not in the benchmark's registry after the copy");
        _proxy = new Proxy(_o.ProxyPort, _o.RegistryPort);
        foreach (var e in EnginesUsed)
        {
            Say($"pulling {BaseRef} into the engine at {e.Where} (through the proxy)");
            Must(_proc.Run(_tmp, Log($"setup-{e.Key}-pull"), "docker", ["pull", BaseRef], extraEnv: e.Environment), $"docker pull of the base image ({e.Where})");
            // When the engine holds the image already (the stand-ins are built locally), the pull downloads nothing and
            // does not record that this registry holds the base layers, so the engine could not mount them into a new
            // repository and would upload them all. A push of the base (every layer "already exists", nothing is sent)
            // records it, as a pull that downloaded the layers would have.
            Must(_proc.Run(_tmp, Log($"setup-{e.Key}-push"), "docker", ["push", BaseRef], extraEnv: e.Environment), $"docker push of the base image ({e.Where})");
        }
        foreach (var (tool, mountBase) in MountBases)
        {
            // See MountBases: the base copied into the repository the engine will mount from, then tagged and pushed by
            // the engine (every blob exists, nothing is sent) so that its labels name that repository.
            var e = EngineOf(tool)!;
            var local = $"{Pushed(mountBase)}:{BaseTag}";
            Say($"{tool}: the base image as {mountBase} too (the engine's mount source)");
            Must(_proc.Run(_tmp, Log($"setup-{tool}-mountbase-copy"), "skopeo",
                ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://127.0.0.1:{_o.RegistryPort}/{BaseRepository}:{BaseTag}",
                    $"docker://127.0.0.1:{_o.RegistryPort}/{mountBase}:{BaseTag}"]), $"skopeo copy of the base image to {mountBase}");
            e.Repositories.Add(Pushed(mountBase));
            Must(_proc.Run(_tmp, Log($"setup-{tool}-mountbase-tag"), "docker", ["tag", BaseRef, local], extraEnv: e.Environment), $"docker tag {local}");
            Must(_proc.Run(_tmp, Log($"setup-{tool}-mountbase-push"), "docker", ["push", local], extraEnv: e.Environment), $"docker push {local}");
        }

        Directory.CreateDirectory(_o.NugetDir);
        foreach (var id in new[] { "containerize", "containerize.sdk" })
        {
            var stale = Path.Combine(_o.NugetDir, id);
            if (Directory.Exists(stale)) Directory.Delete(stale, true);
        }
        if (NeedsPackage)
        {
            if (!File.Exists(Nupkg)) throw new BenchFailure($"{Nupkg} is missing (run.sh packs it)");
            PackageInfo = $"Containerize.{PackageVersion}.nupkg of {File.GetLastWriteTimeUtc(Nupkg):yyyy-MM-dd HH:mm} UTC, sha256 {Sha256(Nupkg)[..12]}";
        }
        var work = Path.Combine(_tmp, "work");
        // Nothing above the copies may take part in their builds: empty Directory.Build.* files end MSBuild's search.
        File.WriteAllText(Path.Combine(work, "Directory.Build.props"), "<Project />\n");
        File.WriteAllText(Path.Combine(work, "Directory.Build.targets"), "<Project />\n");
        File.WriteAllText(Path.Combine(work, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="containerize-local" value="{_o.PackagesDir}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
              <!-- Containerize only from the freshly packed folder, whatever nuget.org holds under that name. -->
              <packageSourceMapping>
                <packageSource key="containerize-local">
                  <package pattern="Containerize" />
                  <package pattern="Containerize.*" />
                </packageSource>
                <packageSource key="nuget.org">
                  <package pattern="*" />
                </packageSource>
              </packageSourceMapping>
            </configuration>

            """);
    }

    static string Sha256(string path)
    {
        using var fs = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(fs));
    }

    string Log(string name) => Path.Combine(_tmp, "logs", name + ".log");

    void Must(ProcResult r, string what)
    {
        if (_stopping) throw new OperationCanceledException();
        if (!r.Ok) throw new BenchFailure($"{what} failed (exit code {r.ExitCode}); the end of {r.LogPath}:\n{Registry.Tail(r.LogPath, 30)}");
    }

    /// <summary>A copy of the app in work/NAME: Program.cs and the project (renamed to ASSEMBLY.csproj when given),
    /// with the Containerize package reference when CONTAINERIZE, and EXTRA inside the project.</summary>
    string MakeApp(string name, bool containerize, string? assembly = null, string extra = "")
    {
        var dir = Path.Combine(_tmp, "work", name);
        Directory.CreateDirectory(dir);
        var csproj = Directory.GetFiles(_o.AppDir, "*.csproj").Single();
        foreach (var f in Directory.GetFiles(_o.AppDir))
        {
            if (f == csproj) continue;
            File.WriteAllBytes(Path.Combine(dir, Path.GetFileName(f)), File.ReadAllBytes(f)); // not File.Copy: the source is read-only
        }
        var project = File.ReadAllText(csproj);
        var add = (containerize
            ? $"""
                <ItemGroup>
                  <PackageReference Include="Containerize" Version="{PackageVersion}" PrivateAssets="all" />
                </ItemGroup>

              """
            : "") + extra;
        var end = project.LastIndexOf("</Project>", StringComparison.Ordinal);
        project = project[..end] + add + project[end..];
        File.WriteAllText(Path.Combine(dir, (assembly ?? Path.GetFileNameWithoutExtension(csproj)) + ".csproj"), project);
        return dir;
    }

    void Restore(string dir, string name, string? target = null)
    {
        var args = new List<string> { "restore", "-nologo", "-nodeReuse:false" };
        if (target is not null) args.Add(target);
        Must(_proc.Run(dir, Log($"restore-{name}"), "dotnet", args, timeout: TimeSpan.FromMinutes(10)), $"dotnet restore of {name}");
    }

    /// <summary>The restored Containerize package is the one in artifacts/packages (NuGet caches by id and version).</summary>
    void CheckRestoredPackage()
    {
        var sha = Path.Combine(_o.NugetDir, "containerize", PackageVersion, $"containerize.{PackageVersion}.nupkg.sha512");
        if (!File.Exists(sha)) throw new BenchFailure($"the restore did not extract Containerize {PackageVersion} into {_o.NugetDir}");
        using var fs = File.OpenRead(Nupkg);
        var expected = Convert.ToBase64String(SHA512.HashData(fs));
        if (File.ReadAllText(sha).Trim() != expected) throw new BenchFailure($"the restored Containerize {PackageVersion} is not {Nupkg}");
    }

    static void Clean(string dir)
    {
        foreach (var d in new[] { Path.Combine(dir, "bin"), Path.Combine(dir, "obj", "Release") })
            if (Directory.Exists(d)) Directory.Delete(d, true);
    }

    List<string> PublishArgs(string tool, string repository, params string[] more)
    {
        var a = new List<string> { "publish", "-c", "Release", "--no-restore", "-nologo", "-v:m", "-nodeReuse:false" };
        a.AddRange(more);
        if (tool == "plain") return a;
        if (tool == "sdk") a.Add("-t:PublishContainer");
        else a.AddRange(["-p:Containerize=true", .. Tool.Of(tool).Properties]);
        a.Add($"-p:ContainerRegistry={ProxyHost}");
        if (repository.Length > 0) a.Add($"-p:ContainerRepository={repository}");
        a.Add($"-p:ContainerBaseImage={BaseRef}");
        return a;
    }

    /// <summary>Runs one build and records its time, the bytes through the proxy, the registry's new blobs and requests.</summary>
    Measurement Measure(string tool, string scenario, int index, string repository, string dir, List<string> args, bool rss = false)
    {
        if (_stopping) throw new OperationCanceledException();
        var log = Log($"{scenario}-{tool}-{index}");
        // The binary log has every message with its time (the text log at -v:m has neither): where a build's time goes.
        if (_o.Binlog) args = [.. args, $"-bl:{Path.ChangeExtension(log, ".binlog")}"];
        var blobs0 = _registry!.BlobBytes();
        var sent0 = _proxy!.Sent;
        var received0 = _proxy.Received;
        _registry.MarkLog();
        var engine = EngineOf(tool);
        _proxy.MarkTimeline();
        var r = _proc.Run(dir, log, "dotnet", args, rss, extraEnv: engine?.Environment);
        Thread.Sleep(250); // the registry writes its access-log line just after answering
        var (all, writes, lines, mounted) = _registry.RequestsSinceMark();
        var timeline = _proxy.TimelineSinceMark();
        var firstWrite = timeline.Where(e => e.Text.Contains("> POST ", StringComparison.Ordinal) || e.Text.Contains("> PUT ", StringComparison.Ordinal) ||
                                             e.Text.Contains("> PATCH ", StringComparison.Ordinal))
            .Select(e => e.Seconds).DefaultIfEmpty(double.NaN).First();
        var m = new Measurement(tool, scenario, index, repository, r.Seconds, _proxy.Sent - sent0, _proxy.Received - received0,
            _registry.BlobBytes() - blobs0, all, writes, r.PeakTreeRssBytes, firstWrite, mounted);
        File.AppendAllLines(log, ["", $"--- {(engine?.Host is { } h ? $"DOCKER_HOST={h} " : "")}dotnet {string.Join(' ', args)}", $"--- in {dir}",
            $"--- wall time {Proxy.Seconds(r.Seconds)} s; first write request at {(double.IsNaN(firstWrite) ? "-" : Proxy.Seconds(firstWrite) + " s")}",
            "--- registry requests:", .. lines,
            "--- through the proxy (seconds since the build started; cN = connection N; > request, < answer):",
            .. timeline.Select(e => $"{Proxy.Seconds(e.Seconds),8} {e.Text}")]);
        Must(r, $"{tool} {scenario} {index} (dotnet {string.Join(' ', args)})");
        Results.Add(m);
        var extra = rss ? $", peak RSS {Report.Mb(m.PeakRss)}" : "";
        Say($"{tool,-10} {scenario,-8} {index}: {m.Seconds,6:0.00} s, sent {Report.Mb(m.Sent)}, new blobs {Report.Mb(m.NewBlobBytes)}, " +
            $"{m.Requests} requests ({m.WriteRequests} writes){extra}");
        return m;
    }

    /// <summary>
    /// Takes the registry back to the base image alone: stopped, every repository but the base's removed, its blobs
    /// garbage-collected, started again on the same port (the proxy keeps forwarding to it). Not timed.
    /// </summary>
    void ResetRegistryToBase()
    {
        var dir = Path.Combine(_tmp, "registry");
        _registry!.Dispose();
        var repositories = Path.Combine(_registry.Storage, "docker", "registry", "v2", "repositories");
        DeleteRepositoriesExcept(repositories, [BaseRepository, .. MountBases.Values], "");

        Must(_proc.Run(dir, Log("registry-gc"), "docker-registry", ["garbage-collect", Path.Combine(dir, "config.yml")]), "garbage collection of the registry");
        _registry = Registry.Start(dir, _o.RegistryPort, _tmp);
        foreach (var e in EnginesUsed)
        {
            // The engine remembers the removed repositories as holding the base layers too and would try to mount
            // them from there; a push of the base (nothing sent) makes the base repository the one it remembers.
            Must(_proc.Run(_tmp, Log($"registry-reset-{e.Key}-push"), "docker", ["push", BaseRef], extraEnv: e.Environment),
                $"docker push of the base image ({e.Where})");
        }
    }

    /// <summary>Deletes the repositories under DIR (the registry's repositories folder, PREFIX the path so far) but KEPT.</summary>
    static void DeleteRepositoriesExcept(string dir, IReadOnlyCollection<string> kept, string prefix)
    {
        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            var name = prefix + Path.GetFileName(sub);
            if (kept.Contains(name)) continue;
            if (kept.Any(k => k.StartsWith(name + "/", StringComparison.Ordinal))) DeleteRepositoriesExcept(sub, kept, name + "/");
            else Directory.Delete(sub, recursive: true);
        }
    }

    /// <summary>
    /// Per tool that builds in an engine with the containerd image store: a repository of the benchmark's registry that
    /// holds the base image under a name the engine picks as the source of its cross-repository mounts.
    /// <para>
    /// Such an engine keeps where a blob came from in a label per registry host without the port (containerd's
    /// <c>distribution.source.localhost</c>: every localhost registry alike, and the repositories of earlier runs and
    /// of the test suite too), and mounts from one repository of it only: the one that shares the most leading path
    /// components with the target, the last in sorted order among equals. For <c>bench/docker28-cold-N</c> that is
    /// <c>bench/docker28-cold-base</c> (after every <c>bench/docker28-cold-K</c>): the base image is there in every run,
    /// kept by the registry resets, as a user's engine finds the base in the repository it pulled it from. Without it
    /// the engine picks a repository this registry does not have (the previous cold run's, removed; dotnet/runtime of
    /// the test registry) and uploads the base layers again, 150 MB each cold build.
    /// </para>
    /// </summary>
    Dictionary<string, string> MountBases => _o.Tools.Where(t => EngineOf(t)?.ContainerdStore == true)
        .ToDictionary(t => t, t => $"bench/{t}-cold-base", StringComparer.Ordinal);

    /// <summary>
    /// Notes a cold build that mounted a layer the base image does not have: then it found app layers of an earlier
    /// build in the registry, and was not cold.
    /// </summary>
    void CheckColdMounts(Measurement m)
    {
        var baseLayers = BaseInfo?.Layers.Select(l => l.Digest).ToHashSet(StringComparer.Ordinal) ?? [];
        var mounted = m.MountedDigests.Where(d => !baseLayers.Contains(d)).ToList();
        if (mounted.Count == 0) return;
        var note = $"{m.Tool} cold {m.Index} mounted {mounted.Count} layer(s) the base image does not have ({string.Join(", ", mounted.Select(d => d[..19]))}): not a cold push";
        Notes.Add(note);
        Console.Error.WriteLine($"warning: {note}");
    }

    /// <summary>
    /// Notes a cold build that uploaded its layers (bytes sent) but added less than half of them to the registry's
    /// storage: another tool of the same round pushed the same blobs just before it (daemonless and daemonless-bare
    /// make byte-identical dependency layers), and the registry stores a blob once whatever repository it is pushed to.
    /// The upload happened all the same; only its new blob bytes say less than a cold push's.
    /// </summary>
    void CheckColdStoredAlready(Measurement m)
    {
        if (m.Sent < 1_000_000 || m.NewBlobBytes * 2 >= m.Sent) return;
        var note = $"{m.Tool} cold {m.Index} sent {Report.Mb(m.Sent)} but added {Report.Mb(m.NewBlobBytes)} of new blobs: the registry held its layers already " +
                   "(pushed to another repository by a tool before it in the same round: the same files make the same blobs), so its upload stored nothing new";
        Notes.Add(note);
    }

    /// <summary>
    /// For a BuildKit tool: removes the unused build cache of its engine (all of it: <c>docker builder prune -a -f</c>),
    /// so that a cold build finds none of an earlier build's steps. Removing the image is enough for the legacy builder
    /// (its cache is the image's parent chain), not for BuildKit, whose cache outlives the images. Not timed.
    /// </summary>
    void EmptyBuildCache(string tool)
    {
        if (Tool.Of(tool).Builder != "buildkit" || EngineOf(tool) is not { } engine) return;
        Must(_proc.Run(_tmp, Log($"buildcache-prune-{engine.Key}"), "docker", ["builder", "prune", "-a", "-f"], extraEnv: engine.Environment),
            $"docker builder prune ({engine.Where})");
    }

    /// <summary>REPOSITORY under the registry's name (the proxy's), as the engine names what it pushes there.</summary>
    string Pushed(string repository) => $"{ProxyHost}/{repository}";

    /// <summary>Removes every tag of the repository NAME (<see cref="Pushed"/>, or a local name) from ENGINE.</summary>
    void RemoveEngineImages(Engine engine, string name)
    {
        var refs = _proc.OutputWith(engine.Environment, "docker", "image", "ls", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}", name);
        if (string.IsNullOrWhiteSpace(refs)) return;
        // Tagged images by name (an image another name also holds only loses this tag), untagged ones by id.
        var list = refs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2))
            .Where(p => p.Length == 2)
            .Select(p => p[1].EndsWith(":<none>", StringComparison.Ordinal) ? p[0] : p[1])
            .Distinct().ToList();
        if (list.Count > 0) _proc.OutputWith(engine.Environment, "docker", ["rmi", .. list]);
    }

    // ------------------------------------------------------------------------------------------ the parts

    public void RunMain()
    {
        var plain = MakeApp("plain", containerize: false);
        Say("restoring the copies (not timed)");
        Restore(plain, "plain");
        var dirs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var t in _o.Tools)
        {
            dirs[t] = MakeApp(t, containerize: t != "sdk");
            Restore(dirs[t], t);
        }
        if (NeedsPackage) CheckRestoredPackage();

        Say("warm-up publish (not timed)");
        Must(_proc.Run(plain, Log("warmup"), "dotnet", PublishArgs("plain", "")), "the warm-up publish");
        for (var i = 1; i <= _o.Runs; i++) Measure("plain", "publish", i, "", plain, PublishArgs("plain", ""));

        var failed = new HashSet<string>(StringComparer.Ordinal);
        // The tools take turns: in every other round the last goes first, so that no tool always follows another
        // (which would, say, always find in the registry the blobs a reproducible tool before it had just stored).
        void Each(int round, Action<string> body)
        {
            foreach (var t in round % 2 == 0 ? Enumerable.Reverse(_o.Tools) : _o.Tools)
            {
                if (failed.Contains(t)) continue;
                try { body(t); }
                catch (BenchFailure e)
                {
                    failed.Add(t);
                    Failures.Add($"{t}: {e.Message}");
                    Console.Error.WriteLine($"FAILED: {t}: {e.Message}");
                }
            }
        }

        var repo = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i <= _o.Runs; i++)
        {
            var run = i;
            // Cold means the app's blobs are in no repository of the registry: a reproducible tool would otherwise find
            // the previous cold run's layers there (the engine mounts them), which a first publish never does. Per
            // round, not per build: the no-change and code-change runs push to each tool's last cold repository, which
            // must still be there. Within a round no tool finds another's app layers: docker and docker-legacy share an
            // engine, but the two builders write different layers (a cold build that mounts a layer not of the base
            // image gets a note in the report, see CheckColdMounts).
            if (run > 1) ResetRegistryToBase();
            Each(run, t =>
            {
                var engine = EngineOf(t);
                if (engine is not null && repo.TryGetValue(t, out var previous)) RemoveEngineImages(engine, Pushed(previous));
                EmptyBuildCache(t);
                Clean(dirs[t]);
                repo[t] = $"bench/{t}-cold-{run}";
                engine?.Repositories.Add(Pushed(repo[t]));
                var m = Measure(t, "cold", run, repo[t], dirs[t], PublishArgs(t, repo[t]));
                CheckColdMounts(m);
                CheckColdStoredAlready(m);
                if (run == 1) Images[t] = ImageOf(repo[t]);
            });
        }
        for (var i = 1; i <= _o.Runs; i++)
        {
            var run = i;
            Each(run, t => Measure(t, "nochange", run, repo[t], dirs[t], PublishArgs(t, repo[t])));
        }
        for (var i = 1; i <= _o.Runs; i++)
        {
            var run = i;
            Each(run, t =>
            {
                var program = Path.Combine(dirs[t], "Program.cs");
                var text = File.ReadAllText(Path.Combine(_o.AppDir, "Program.cs"));
                File.WriteAllText(program, text.Replace(ChangeMarker, $"\"Hello from Docker! (edit {run}) \"", StringComparison.Ordinal));
                Measure(t, "change", run, repo[t], dirs[t], PublishArgs(t, repo[t]));
            });
        }
        foreach (var (t, last) in repo)
            if (EngineOf(t) is { } engine) RemoveEngineImages(engine, Pushed(last));
    }

    ImageInfo ImageOf(string repository)
    {
        // Not the referrers tag schema's sha256-<hex> tag (the index of the SBOM and provenance attached to the image).
        var tags = _registry!.Tags(repository).Where(t => !t.StartsWith("sha256-", StringComparison.Ordinal)).ToList();
        if (tags.Count == 0) throw new BenchFailure($"nothing was pushed to {repository}");
        return _registry.Manifest(repository, tags.Contains("latest") ? "latest" : tags[0])
               ?? throw new BenchFailure($"no manifest for {repository}:{tags[0]}");
    }

    public void RunMemory()
    {
        var backends = _o.MemoryBackends.ToList();
        if (backends.Count == 0) return;
        Say($"memory: generating a {_o.MemoryMiB} MiB content file (not timed)");
        var dir = MakeApp("memory", containerize: true, extra: """
              <ItemGroup>
                <None Remove="big.bin" />
                <Content Include="big.bin" CopyToPublishDirectory="PreserveNewest" />
              </ItemGroup>

            """);
        WriteRandom(Path.Combine(dir, "big.bin"), (long)_o.MemoryMiB * 1024 * 1024);
        Restore(dir, "memory");
        string[] noServers = ["--disable-build-servers"];
        var env = new Dictionary<string, string?> { ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0" };
        Say("memory: publish without measuring (compiles, copies the content file)");
        Must(_proc.Run(dir, Log("memory-prebuild"), "dotnet", PublishArgs("plain", "", noServers), extraEnv: env), "the memory pre-build");
        Measure("plain", "memory", 1, "", dir, PublishArgs("plain", "", noServers), rss: true);
        foreach (var b in backends)
        {
            var containerize = Path.Combine(dir, "obj", "Release", "net10.0", "containerize");
            if (Directory.Exists(containerize)) Directory.Delete(containerize, true);
            var repository = $"bench/memory-{b}";
            var engine = EngineOf(b);
            engine?.Repositories.Add(repository); // a local name: its image is not pushed
            try
            {
                EmptyBuildCache(b);
                var args = PublishArgs(b, repository, noServers);
                if (engine is not null)
                {
                    // The engine backend's push is the engine's work (outside the measured tree), and it would only add
                    // the engine's compression of 1 GB to the run: the image stays in the engine.
                    args.Remove($"-p:ContainerRegistry={ProxyHost}");
                    Measure(b, "memory", 1, repository, dir, args, rss: true);
                }
                else
                {
                    Measure(b, "memory", 1, repository, dir, args, rss: true);
                    var image = ImageOf(repository);
                    Notes.Add($"memory, {b}: pushed, image {Report.Mb(image.LayerBytes)} in {image.Layers.Count} layers");
                }
            }
            catch (BenchFailure e)
            {
                Failures.Add($"memory {b}: {e.Message}");
                Console.Error.WriteLine($"FAILED: memory {b}: {e.Message}");
            }
            if (engine is not null) RemoveEngineImages(engine, repository);
        }
        // The 1 GB copies are not needed any more.
        Directory.Delete(dir, true);
    }

    static void WriteRandom(string path, long bytes)
    {
        // xorshift64*: fast, and the same bytes every time.
        ulong x = 0x9E3779B97F4A7C15;
        var buffer = new byte[1 << 20];
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        for (long done = 0; done < bytes; done += buffer.Length)
        {
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer.AsSpan());
            for (var i = 0; i < words.Length; i++)
            {
                x ^= x >> 12;
                x ^= x << 25;
                x ^= x >> 27;
                words[i] = x * 0x2545F4914F6CDD1DUL;
            }
            fs.Write(buffer, 0, (int)Math.Min(buffer.Length, bytes - done));
        }
    }

    public void RunScale()
    {
        var backends = _o.ScaleBackends.Where(_o.Tools.Contains).ToList();
        if (backends.Count == 0 || _o.Scale.Count == 0) return;
        var root = Path.Combine(_tmp, "work", "scale");
        Directory.CreateDirectory(root);
        var max = _o.Scale.Max();
        for (var i = 1; i <= max; i++)
        {
            MakeApp(Path.Combine("scale", $"App{i}"), containerize: true, assembly: $"App{i}", extra: $"""
                  <PropertyGroup>
                    <ContainerRepository>$(BenchScaleNamespace)/app{i}</ContainerRepository>
                  </PropertyGroup>

                """);
        }
        foreach (var n in _o.Scale.Append(max).Distinct())
        {
            var projects = string.Concat(Enumerable.Range(1, n).Select(i => $"  <Project Path=\"App{i}/App{i}.csproj\" />\n"));
            File.WriteAllText(Path.Combine(root, $"Scale{n}.slnx"), $"<Solution>\n{projects}</Solution>\n");
        }
        Say($"scale: restoring {max} copies (not timed)");
        Restore(root, "scale", $"Scale{max}.slnx");
        foreach (var b in backends)
        {
            foreach (var n in _o.Scale)
            {
                for (var i = 1; i <= n; i++) Clean(Path.Combine(root, $"App{i}"));
                var ns = $"scale-{b}-{n}";
                var engine = EngineOf(b);
                if (engine is not null) for (var i = 1; i <= n; i++) engine.Repositories.Add(Pushed($"{ns}/app{i}"));
                try
                {
                    EmptyBuildCache(b);
                    var args = PublishArgs(b, "", "-m", $"-p:BenchScaleNamespace={ns}");
                    args.Insert(1, $"Scale{n}.slnx");
                    Measure(b, "scale", n, ns, root, args);
                    var missing = Enumerable.Range(1, n).Where(i => _registry!.Tags($"{ns}/app{i}").Count == 0).ToList();
                    if (missing.Count > 0) throw new BenchFailure($"scale {n}: no image pushed for app {string.Join(", ", missing)}");
                }
                catch (BenchFailure e)
                {
                    Failures.Add($"scale {b} {n}: {e.Message}");
                    Console.Error.WriteLine($"FAILED: scale {b} {n}: {e.Message}");
                }
                if (engine is not null) for (var i = 1; i <= n; i++) RemoveEngineImages(engine, Pushed($"{ns}/app{i}"));
            }
        }
    }

    // ------------------------------------------------------------------------------------------ the end

    /// <summary>Stops what this run started and removes its temporary folder (idempotent; also on Ctrl+C).</summary>
    public void Cleanup()
    {
        // The whole of it under the lock: a second caller (the main thread after Ctrl+C) waits until it is done.
        lock (_cleanupGate)
        {
            if (_cleanedUp) return;
            _cleanedUp = true;
            CleanupOnce();
        }
    }

    void CleanupOnce()
    {
        _stopping = true;
        _proc.KillCurrent();
        if (Machine is not null) Machine.LoadAtEnd = Machine.Load();
        if (_tmp.Length == 0) return;
        // Each engine's images from that engine: the names are the same in both, the images are not.
        foreach (var engine in EnginesUsed)
        {
            try
            {
                foreach (var name in engine.Repositories) RemoveEngineImages(engine, name);
                _proc.OutputWith(engine.Environment, "docker", "rmi", BaseRef);
                // The build cache of its BuildKit builds (the cache outlives the images).
                if (_o.Tools.Any(t => Tool.Of(t).EngineKey == engine.Key && Tool.Of(t).Builder == "buildkit"))
                    _proc.OutputWith(engine.Environment, "docker", "builder", "prune", "-a", "-f");
            }
            catch (Exception e) when (e is IOException or InvalidOperationException)
            {
                Console.Error.WriteLine($"warning: removing the images from the engine at {engine.Where}: {e.Message}");
            }
        }
        _proxy?.Dispose();
        _registry?.Dispose();
        // The compiler server our builds started listens in our TMPDIR: only it gets the shutdown.
        _proc.Output("dotnet", "build-server", "shutdown", "--vbcscompiler");
        foreach (var pid in Proc.PidsWithMarker(_tmp))
        {
            try
            {
                using var p = Process.GetProcessById(pid);
                Console.Error.WriteLine($"stopping leftover process {pid} ({p.ProcessName}) started by this run");
                p.Kill(entireProcessTree: true);
                p.WaitForExit(5000);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
        }
        if (_o.Keep) Console.WriteLine($"kept {_tmp} (logs in {_tmp}/logs)");
        else
        {
            try { Directory.Delete(_tmp, true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Console.Error.WriteLine($"warning: could not remove {_tmp}: {e.Message}"); }
        }
    }

    public string ElapsedText => _clock.Elapsed.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) + " s";
}
