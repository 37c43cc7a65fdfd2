using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace Containerize.Bench;

/// <summary>One measured build.</summary>
/// <param name="Tool">sdk, docker, daemonless, or plain (dotnet publish alone)</param>
/// <param name="Scenario">publish, cold, nochange, change, memory, scale</param>
/// <param name="Index">the run's number (scale: the number of projects)</param>
public sealed record Measurement(string Tool, string Scenario, int Index, string Repository, double Seconds,
    long Sent, long Received, long NewBlobBytes, int Requests, int WriteRequests, long PeakRss);

public sealed class BenchFailure(string message) : Exception(message);

/// <summary>The benchmark: prerequisites, the plan, the runs (see eng/bench/README.md).</summary>
public sealed class Bench
{
    const string PackageVersion = "0.1.0";
    const string ChangeMarker = "\"Hello from Docker! \"";

    readonly Options _o;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly object _cleanupGate = new();
    readonly HashSet<string> _engineRepos = new(StringComparer.Ordinal);
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
    bool UsesEngine => _o.Tools.Contains("docker");

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

        if (UsesEngine)
        {
            var engine = _proc.Output("docker", "version", "--format", "{{.Server.Version}}");
            if (engine is not null) Ok($"Docker engine {engine} answers ({Environment.GetEnvironmentVariable("DOCKER_HOST") ?? "default socket"})");
            else Bad("a Docker engine answering the docker CLI (source eng/env/enter.sh)");
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
        if (!_o.SkipMemory && _o.Backends.Any()) need += (long)_o.MemoryMiB * 1024 * 1024 * 7;
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
        if (UsesEngine) Console.WriteLine($"    the base pulled into the engine as {BaseRef},");
        Console.WriteLine($"    copies of {_o.AppDir} restored with NUGET_PACKAGES={_o.NugetDir} (its containerize folders removed first)");
        var builds = 0;
        if (!_o.SkipMain)
        {
            Console.WriteLine($"  publish alone (floor): 1 warm-up + {_o.Runs} x dotnet publish -c Release --no-restore (no change)");
            foreach (var t in _o.Tools)
            {
                var cmd = t == "sdk"
                    ? $"dotnet publish -c Release --no-restore -t:PublishContainer {common} -p:ContainerRepository=bench/sdk-cold-N"
                    : $"dotnet publish -c Release --no-restore -p:Containerize=true -p:ContainerizeBackend={t} {common} -p:ContainerRepository=bench/{t}-cold-N";
                Console.WriteLine($"  {t,-10}  {_o.Runs} cold (clean bin/obj, new repository each), {_o.Runs} no change, {_o.Runs} code change (one string in Program.cs)");
                Console.WriteLine($"              {cmd}");
            }
            builds += 1 + _o.Runs + _o.Tools.Count * 3 * _o.Runs;
        }
        if (!_o.SkipMemory && _o.Backends.Any())
        {
            Console.WriteLine($"  memory: a {_o.MemoryMiB} MiB content file in the publish output; after an unmeasured publish, peak RSS of the process tree");
            Console.WriteLine($"          (every 100 ms, -nodeReuse:false --disable-build-servers) for: plain publish, {string.Join(", ", _o.Backends)}");
            Console.WriteLine("          (docker: the image stays in the engine; daemonless: pushed through the proxy)");
            builds += 2 + _o.Backends.Count();
        }
        var scaleBackends = _o.ScaleBackends.Where(_o.Tools.Contains).ToList();
        if (!_o.SkipScale && scaleBackends.Count > 0)
        {
            Console.WriteLine($"  scale: solutions of {string.Join(", ", _o.Scale)} copies (App1..AppN), cold, once each, for {string.Join(", ", scaleBackends)}:");
            Console.WriteLine($"          dotnet publish ScaleN.slnx -c Release --no-restore -m -p:Containerize=true -p:ContainerizeBackend=B {common}");
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
        Machine = Machine.Describe(_proc, _o.Repo);
        Say($"temporary folder {_tmp}; load average {Machine.LoadAtStart}");

        _registry = Registry.Start(Path.Combine(_tmp, "registry"), _o.RegistryPort, _tmp);
        Say($"registry of its own on 127.0.0.1:{_o.RegistryPort}; copying {_o.BaseImage} into it");
        Must(_proc.Run(_tmp, Log("setup-skopeo"), "skopeo",
            ["copy", "--src-tls-verify=false", "--dest-tls-verify=false", $"docker://{_o.BaseImage}",
                $"docker://127.0.0.1:{_o.RegistryPort}/{BaseRepository}:{BaseTag}"]), "skopeo copy of the base image");
        BaseInfo = _registry.Manifest(BaseRepository, BaseTag) ?? throw new BenchFailure("the base image is not in the benchmark's registry after the copy");
        _proxy = new Proxy(_o.ProxyPort, _o.RegistryPort);
        if (UsesEngine)
        {
            Say($"pulling {BaseRef} into the engine (through the proxy)");
            Must(_proc.Run(_tmp, Log("setup-docker-pull"), "docker", ["pull", BaseRef]), "docker pull of the base image");
            // When the engine holds the image already (the stand-ins are built locally), the pull downloads nothing and
            // does not record that this registry holds the base layers, so the engine could not mount them into a new
            // repository and would upload them all. A push of the base (every layer "already exists", nothing is sent)
            // records it, as a pull that downloaded the layers would have.
            Must(_proc.Run(_tmp, Log("setup-docker-push"), "docker", ["push", BaseRef]), "docker push of the base image");
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
        else a.AddRange(["-p:Containerize=true", $"-p:ContainerizeBackend={tool}"]);
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
        var blobs0 = _registry!.BlobBytes();
        var sent0 = _proxy!.Sent;
        var received0 = _proxy.Received;
        _registry.MarkLog();
        var r = _proc.Run(dir, log, "dotnet", args, rss);
        Thread.Sleep(250); // the registry writes its access-log line just after answering
        var (all, writes, lines) = _registry.RequestsSinceMark();
        var m = new Measurement(tool, scenario, index, repository, r.Seconds, _proxy.Sent - sent0, _proxy.Received - received0,
            _registry.BlobBytes() - blobs0, all, writes, r.PeakTreeRssBytes);
        File.AppendAllLines(log, ["", $"--- {string.Join(' ', args)}", $"--- in {dir}", "--- registry requests:", .. lines]);
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
        foreach (var top in Directory.EnumerateDirectories(repositories).Where(d => Path.GetFileName(d) != BaseRepository.Split('/')[0]))
        {
            Directory.Delete(top, recursive: true);
        }

        Must(_proc.Run(dir, Log("registry-gc"), "docker-registry", ["garbage-collect", Path.Combine(dir, "config.yml")]), "garbage collection of the registry");
        _registry = Registry.Start(dir, _o.RegistryPort, _tmp);
        if (UsesEngine)
        {
            // The engine remembers the removed repositories as holding the base layers too and would try to mount
            // them from there; a push of the base (nothing sent) makes the base repository the one it remembers.
            Must(_proc.Run(_tmp, Log("registry-reset-docker-push"), "docker", ["push", BaseRef]), "docker push of the base image");
        }
    }

    /// <summary>Removes every tag of REPOSITORY (under the proxy's name) from the engine.</summary>
    void RemoveEngineImages(string repository, bool local = false)
    {
        var name = local ? repository : $"{ProxyHost}/{repository}";
        var refs = _proc.Output("docker", "image", "ls", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}", name);
        if (string.IsNullOrWhiteSpace(refs)) return;
        // Tagged images by name (an image another name also holds only loses this tag), untagged ones by id.
        var list = refs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(l => l.Split(' ', 2))
            .Where(p => p.Length == 2)
            .Select(p => p[1].EndsWith(":<none>", StringComparison.Ordinal) ? p[0] : p[1])
            .Distinct().ToList();
        if (list.Count > 0) _proc.Output("docker", ["rmi", .. list]);
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
        void Each(Action<string> body)
        {
            foreach (var t in _o.Tools)
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
            // the previous cold run's layers there (the engine mounts them), which a first publish never does.
            if (run > 1) ResetRegistryToBase();
            Each(t =>
            {
                if (t == "docker" && repo.TryGetValue(t, out var previous)) RemoveEngineImages(previous);
                Clean(dirs[t]);
                repo[t] = $"bench/{t}-cold-{run}";
                if (t == "docker") _engineRepos.Add(repo[t]);
                Measure(t, "cold", run, repo[t], dirs[t], PublishArgs(t, repo[t]));
                if (run == 1) Images[t] = ImageOf(repo[t]);
            });
        }
        for (var i = 1; i <= _o.Runs; i++)
        {
            var run = i;
            Each(t => Measure(t, "nochange", run, repo[t], dirs[t], PublishArgs(t, repo[t])));
        }
        for (var i = 1; i <= _o.Runs; i++)
        {
            var run = i;
            Each(t =>
            {
                var program = Path.Combine(dirs[t], "Program.cs");
                var text = File.ReadAllText(Path.Combine(_o.AppDir, "Program.cs"));
                File.WriteAllText(program, text.Replace(ChangeMarker, $"\"Hello from Docker! (edit {run}) \"", StringComparison.Ordinal));
                Measure(t, "change", run, repo[t], dirs[t], PublishArgs(t, repo[t]));
            });
        }
        if (UsesEngine && repo.TryGetValue("docker", out var last)) RemoveEngineImages(last);
    }

    ImageInfo ImageOf(string repository)
    {
        var tags = _registry!.Tags(repository);
        if (tags.Count == 0) throw new BenchFailure($"nothing was pushed to {repository}");
        return _registry.Manifest(repository, tags.Contains("latest") ? "latest" : tags[0])
               ?? throw new BenchFailure($"no manifest for {repository}:{tags[0]}");
    }

    public void RunMemory()
    {
        var backends = _o.Backends.ToList();
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
            try
            {
                var args = PublishArgs(b, repository, noServers);
                if (b == "docker")
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
            if (b == "docker") RemoveEngineImages(repository, local: true);
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
                if (b == "docker") for (var i = 1; i <= n; i++) _engineRepos.Add($"{ns}/app{i}");
                try
                {
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
                if (b == "docker") for (var i = 1; i <= n; i++) RemoveEngineImages($"{ns}/app{i}");
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
        try
        {
            if (UsesEngine)
            {
                foreach (var r in _engineRepos) RemoveEngineImages(r);
                _proc.Output("docker", "rmi", BaseRef);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            Console.Error.WriteLine($"warning: removing the engine images: {e.Message}");
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
