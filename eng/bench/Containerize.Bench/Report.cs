using System.Globalization;
using System.Text;

namespace Containerize.Bench;

/// <summary>The tables: printed, and written to docs/performance.md.</summary>
public static class Report
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Bytes in decimal units (1 MB = 1,000,000 bytes).</summary>
    public static string Mb(long bytes) => bytes switch
    {
        0 => "0",
        < 0 => "-" + Mb(-bytes),
        < 1_000_000 => (bytes / 1e3).ToString("0.0", Inv) + " kB",
        < 10_000_000_000 => (bytes / 1e6).ToString("0.0", Inv) + " MB",
        _ => (bytes / 1e9).ToString("0.00", Inv) + " GB",
    };

    static string S(double seconds) => seconds.ToString("0.00", Inv) + " s";

    static string Ratio(double value, double sdk) => sdk <= 0 ? "–" : (value / sdk).ToString(value / sdk < 0.1 ? "0.000" : "0.00", Inv) + "×";

    static double Median(IEnumerable<double> values)
    {
        var v = values.Order().ToArray();
        if (v.Length == 0) return double.NaN;
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
    }

    sealed class Data(Bench b)
    {
        public readonly List<Measurement> R = b.Results;
        public IEnumerable<Measurement> Of(string tool, string scenario) => R.Where(m => m.Tool == tool && m.Scenario == scenario);
        public bool Has(string tool, string scenario) => Of(tool, scenario).Any();
        public double Wall(string tool, string scenario) => Median(Of(tool, scenario).Select(m => m.Seconds));
        public long Sent(string tool, string scenario) => (long)Median(Of(tool, scenario).Select(m => (double)m.Sent));
        public long Blobs(string tool, string scenario) => (long)Median(Of(tool, scenario).Select(m => (double)m.NewBlobBytes));
        public long Received(string tool, string scenario) => (long)Median(Of(tool, scenario).Select(m => (double)m.Received));
        public double Requests(string tool, string scenario) => Median(Of(tool, scenario).Select(m => (double)m.Requests));
        public double Writes(string tool, string scenario) => Median(Of(tool, scenario).Select(m => (double)m.WriteRequests));
        public Measurement? First(string tool, string scenario) => Of(tool, scenario).OrderBy(m => m.Index).FirstOrDefault();

        /// <summary>The median of the first write request's time (NaN when no run had one).</summary>
        public double FirstWrite(string tool, string scenario)
        {
            var v = Of(tool, scenario).Select(m => m.FirstWrite).Where(x => !double.IsNaN(x)).ToList();
            return v.Count == Of(tool, scenario).Count() ? Median(v) : double.NaN;
        }
    }

    public static string Build(Bench b, string command)
    {
        var o = b.Options;
        var d = new Data(b);
        var tools = o.Tools.Where(t => d.R.Any(m => m.Tool == t)).ToList();
        var backends = tools.Where(t => t != "sdk").ToList();
        var hasSdk = tools.Contains("sdk");
        var sb = new StringBuilder();
        void L(string line = "") => sb.Append(line).Append('\n');

        L("# Performance: Containerize and the .NET SDK's PublishContainer");
        L();
        L($"Measured by `{command}` ([eng/bench/README.md](../eng/bench/README.md)) on {b.Machine?.Date}. These are the numbers of the");
        L("latest run; timings depend on what else the machine was doing (the load averages below), so a run on an idle");
        L("machine replaces them. Bytes are decimal: 1 MB = 1,000,000 bytes.");
        L();
        if (b.Machine is { } m)
        {
            L("| Machine | |");
            L("|---|---|");
            L($"| CPU | {m.Cpu}, {m.Cores} cores |");
            L($"| Memory | {m.MemoryBytes / 1e9:0.0} GB ({m.MemoryBytes / (double)(1L << 30):0.0} GiB) |");
            L($"| OS | {m.Os}, Linux {m.Kernel} |");
            L($"| .NET SDK | {m.DotnetSdk} |");
            foreach (var (engineTools, engine) in m.Engines) L($"| Docker engine ({engineTools}) | {engine} |");
            if (m.Engines.Count == 0) L("| Docker engine | not used |");
            L($"| Registry | Docker Distribution {m.RegistryVersion}, on loopback, storage on the local disk |");
            L($"| Containerize | commit {m.Commit}; {(b.PackageInfo.Length > 0 ? b.PackageInfo : "not used")} |");
            L($"| Load average (1/5/15 min) | start {m.LoadAtStart}, end {m.LoadAtEnd} (above {m.Cores}: builds waited for a CPU) |");
            L($"| Date | {m.Date} |");
            L($"| App | {Path.GetFileName(o.AppDir.TrimEnd('/'))} (../shared/bench), base image {o.BaseImage} |");
            L();
        }
        if (b.Failures.Count > 0)
        {
            L("**Failures in this run** (their rows are missing):");
            foreach (var f in b.Failures) L($"- `{f.Split('\n')[0]}`");
            L();
        }

        // ------------------------------------------------------------------ main tables
        if (d.R.Any(x => x.Scenario is "cold" or "nochange" or "change"))
        {
            L("## The tools");
            L();
            L("| Column | What runs | Builder | Engine |");
            L("|---|---|---|---|");
            foreach (var t in tools)
            {
                var tool = Tool.Of(t);
                var engine = b.EngineOf(t);
                var host = engine?.Host is { } h ? $" with `DOCKER_HOST={h}`" : "";
                var what = t == "sdk"
                    ? "the .NET SDK's `dotnet publish -t:PublishContainer` (layers made and pushed in-process)"
                    : $"Containerize: `-p:Containerize=true {string.Join(' ', tool.Properties)}`{host}" +
                      (tool.Backend == "daemonless" ? " (layers made and pushed in-process)" : " (Dockerfile built by the engine, pushed by the engine)");
                var builder = tool.Builder switch { "buildkit" => "BuildKit", "legacy" => "legacy builder", _ => "–" };
                L($"| {Title(t)} | {what} | {builder} | {(engine is null ? "–" : engine.Description.Length > 0 ? engine.Description : engine.Where)} |");
            }
            L();

            // One table of times, one of what reached the registry: every tool with its ratio to the SDK in each.
            var head = new StringBuilder("| | ");
            var sep = new StringBuilder("|---|");
            foreach (var t in tools)
            {
                head.Append(Title(t)).Append(" | ");
                sep.Append("---:|");
                if (t != "sdk" && hasSdk) { head.Append("/ SDK | "); sep.Append("---:|"); }
            }
            void Row(string label, Func<string, double> value, Func<double, string> format, bool ratio = true)
            {
                var row = new StringBuilder($"| {label} | ");
                var sdkValue = hasSdk ? value("sdk") : double.NaN;
                foreach (var t in tools)
                {
                    var v = value(t);
                    row.Append(double.IsNaN(v) ? "–" : format(v)).Append(" | ");
                    if (t != "sdk" && hasSdk) row.Append(!ratio ? "" : double.IsNaN(v) || double.IsNaN(sdkValue) ? "–" : Ratio(v, sdkValue)).Append(" | ");
                }
                L(row.ToString().TrimEnd());
            }
            void TextRow(string label, Func<string, string> text)
            {
                var row = new StringBuilder($"| {label} | ");
                foreach (var t in tools)
                {
                    row.Append(text(t)).Append(" | ");
                    if (t != "sdk" && hasSdk) row.Append(" | ");
                }
                L(row.ToString().TrimEnd());
            }
            var scenarios = new[] { ("cold", "cold"), ("nochange", "no change"), ("change", "code change") };

            L($"## Wall time: cold, no change, code change (median of {o.Runs} runs)");
            L();
            L(head.ToString().TrimEnd());
            L(sep.ToString());
            foreach (var (sc, name) in scenarios)
                Row($"**{name}**", t => d.Has(t, sc) ? d.Wall(t, sc) : double.NaN, S);
            Row("cold: until the first registry write", t => d.Has(t, "cold") ? d.FirstWrite(t, "cold") : double.NaN, S, ratio: false);
            Row("cold: from the first registry write to the end", t => d.Has(t, "cold") ? d.Wall(t, "cold") - d.FirstWrite(t, "cold") : double.NaN, S, ratio: false);
            if (d.Has("plain", "publish"))
                L($"| `dotnet publish` alone, no change (the floor) | {S(d.Wall("plain", "publish"))} (all tools) |");
            L();
            L("The first registry write is the first POST, PUT or PATCH the proxy passed on (seconds from the start of");
            L("`dotnet publish`): for the engine tools the start of the engine's push, the image being built by then; what");
            L("follows it is the upload (and, for the engine, compressing the layers it uploads) and the manifest.");
            L();

            L($"## What reached the registry (median of {o.Runs} runs)");
            L();
            L(head.ToString().TrimEnd());
            L(sep.ToString());
            foreach (var (sc, name) in scenarios)
            {
                Row($"{name}: bytes sent", t => d.Has(t, sc) ? d.Sent(t, sc) : double.NaN, v => Mb((long)v));
                Row($"{name}: new blob bytes", t => d.Has(t, sc) ? d.Blobs(t, sc) : double.NaN, v => Mb((long)v));
                TextRow($"{name}: requests (writes)", t => d.Has(t, sc)
                    ? $"{Median(d.Of(t, sc).Select(x => (double)x.Requests)).ToString("0", Inv)} ({Median(d.Of(t, sc).Select(x => (double)x.WriteRequests)).ToString("0", Inv)})"
                    : "–");
            }
            Row("image size (compressed layers)", t => b.Images.TryGetValue(t, out var i) ? i.LayerBytes : double.NaN, v => Mb((long)v));
            Row("of which app layers (not in the base)", t => b.Images.TryGetValue(t, out var i) ? AppLayers(b, i).Sum(l => l.Size) : double.NaN, v => Mb((long)v));
            TextRow("layers (of which app layers)", t => b.Images.TryGetValue(t, out var i) ? $"{i.Layers.Count} ({AppLayers(b, i).Count()})" : "–");
            L();
            L("Every row is the median of the runs. Before each round of cold runs but the first the registry is taken back to the");
            L("base image alone, so each cold run uploads the app's layers (a reproducible tool would otherwise find the previous");
            L("round's there); a cold run that mounts a layer the base image does not have gets a note below.");
            L("Bytes sent: client → registry through the proxy (for the engine tools the client is the engine). New blob bytes:");
            L("the growth of the registry's blob storage. Requests and writes: what the registry logged (writes are POST, PUT");
            L("and PATCH). App layers are the layers the base image does not have.");
            foreach (var n in b.Notes.Where(x => !x.StartsWith("memory", StringComparison.Ordinal))) L($"- **Note:** {n}");
            L();

            // What the SBOM and the provenance add: each tool against its bare counterpart, when both ran.
            foreach (var (t, bare) in BarePairs(tools))
            {
                L($"## SBOM and provenance: {Title(t)} against {Title(bare)} (median of {o.Runs} runs)");
                L();
                L($"{Title(t)} writes the SBOM (CycloneDX, the OS packages read from the base image's layers) and attaches it and the SLSA");
                L($"provenance to the pushed image as OCI referrers (the defaults); {Title(bare)} is the same build with");
                L($"`{string.Join(' ', Tool.BareProperties)}`. The difference is what the two cost.");
                L();
                L($"| | {Title(t)} | {Title(bare)} | difference | ratio |");
                L("|---|---:|---:|---:|---:|");
                foreach (var (sc, name) in scenarios)
                {
                    if (!d.Has(t, sc) || !d.Has(bare, sc)) continue;
                    var (w, wb) = (d.Wall(t, sc), d.Wall(bare, sc));
                    L($"| {name}: wall time | {S(w)} | {S(wb)} | {Signed(w - wb, S)} | {Ratio(w, wb)} |");
                }
                if (d.Has(t, "cold") && d.Has(bare, "cold"))
                {
                    var (f, fb) = (d.FirstWrite(t, "cold"), d.FirstWrite(bare, "cold"));
                    if (!double.IsNaN(f) && !double.IsNaN(fb))
                    {
                        L($"| cold: until the first registry write | {S(f)} | {S(fb)} | {Signed(f - fb, S)} | |");
                        L($"| cold: from the first registry write to the end | {S(d.Wall(t, "cold") - f)} | {S(d.Wall(bare, "cold") - fb)} | {Signed(d.Wall(t, "cold") - f - (d.Wall(bare, "cold") - fb), S)} | |");
                    }
                }
                foreach (var (sc, name) in scenarios)
                {
                    if (!d.Has(t, sc) || !d.Has(bare, sc)) continue;
                    L($"| {name}: bytes sent | {Mb(d.Sent(t, sc))} | {Mb(d.Sent(bare, sc))} | {Signed(d.Sent(t, sc) - d.Sent(bare, sc), v => Mb((long)v))} | |");
                    // Cold: the second of the two in a round finds the first's identical dependency layers stored already.
                    if (sc != "cold")
                        L($"| {name}: new blob bytes | {Mb(d.Blobs(t, sc))} | {Mb(d.Blobs(bare, sc))} | {Signed(d.Blobs(t, sc) - d.Blobs(bare, sc), v => Mb((long)v))} | |");
                    var (r, rb) = (d.Requests(t, sc), d.Requests(bare, sc));
                    var (wr, wrb) = (d.Writes(t, sc), d.Writes(bare, sc));
                    L($"| {name}: requests (writes) | {r:0} ({wr:0}) | {rb:0} ({wrb:0}) | {Signed(r - rb, v => v.ToString("0", Inv))} ({Signed(wr - wrb, v => v.ToString("0", Inv))}) | |");
                    L($"| {name}: bytes received | {Mb(d.Received(t, sc))} | {Mb(d.Received(bare, sc))} | {Signed(d.Received(t, sc) - d.Received(bare, sc), v => Mb((long)v))} | |");
                    if (sc == "cold" && d.First(t, sc) is { } c1 && d.First(bare, sc) is { } b1)
                    {
                        L($"| cold, the first run: wall time | {S(c1.Seconds)} | {S(b1.Seconds)} | {Signed(c1.Seconds - b1.Seconds, S)} | {Ratio(c1.Seconds, b1.Seconds)} |");
                        L($"| cold, the first run: bytes received | {Mb(c1.Received)} | {Mb(b1.Received)} | {Signed(c1.Received - b1.Received, v => Mb((long)v))} | |");
                    }
                }
                L();
                L("Bytes received include the base image's layers the SBOM reads: downloaded into the blob cache once (in the first");
                L("cold run of the benchmark, a row of its own; the cache is kept between its builds, as on a developer's machine),");
                L("where the push only mounts them.");
                L($"No cold new-blob row: within a round {Title(bare)} pushes after {Title(t)} the same dependency layers (the same files");
                L("make the same blobs), which the registry stores once; the code change row shows what the attachments add to the storage.");
                L();
            }
        }

        // ------------------------------------------------------------------ targets
        var targets = new List<(string Target, Func<string, string> Verdict)>();
        double floor = d.Has("plain", "publish") ? d.Wall("plain", "publish") : double.NaN;
        if (backends.Count > 0 && d.R.Any(x => x.Scenario is "cold" or "nochange" or "change"))
        {
            targets.Add(("code change: bytes sent ≤ 1% of the SDK's", t =>
            {
                if (!hasSdk || !d.Has("sdk", "change") || !d.Has(t, "change")) return "n/a";
                var limit = d.Sent("sdk", "change") / 100.0;
                var v = d.Sent(t, "change");
                return Verdict(v <= limit, $"{Mb(v)} vs {Mb((long)limit)}");
            }));
            targets.Add(("no change: nothing pushed (no write request, no new blob)", t =>
            {
                if (!d.Has(t, "nochange")) return "n/a";
                var runs = d.Of(t, "nochange").ToList();
                var writes = runs.Sum(x => x.WriteRequests);
                var blobs = runs.Sum(x => x.NewBlobBytes);
                return Verdict(writes == 0 && blobs == 0,
                    $"writes per run: {string.Join(", ", runs.Select(x => x.WriteRequests))}; new blobs {Mb(blobs)} in {runs.Count} runs");
            }));
            targets.Add(("no change: wall time ≤ publish alone + 0.5 s", t =>
            {
                if (!d.Has(t, "nochange") || double.IsNaN(floor)) return "n/a";
                var v = d.Wall(t, "nochange");
                return Verdict(v <= floor + 0.5, $"{S(v)} vs {S(floor + 0.5)}");
            }));
            targets.Add(("cold: no slower than the SDK", t =>
            {
                if (!hasSdk || !d.Has("sdk", "cold") || !d.Has(t, "cold")) return "n/a";
                var v = d.Wall(t, "cold");
                var s = d.Wall("sdk", "cold");
                return Verdict(v <= s, $"{S(v)} vs {S(s)}");
            }));
            if (BarePairs(tools).Any())
            {
                var reference = string.Join(", ", BarePairs(tools).Select(p => p.Bare).Distinct());
                targets.Add(($"SBOM + provenance: cold ≤ {SbomColdLimit.ToString("0.00", Inv)}× {reference}, no change ≤ {reference} + noise " +
                             $"(the larger of {S(NoChangeNoiseSeconds)} and {(NoChangeNoiseShare * 100).ToString("0", Inv)}%)", t =>
                {
                    if (Options.BareTools.Contains(t)) return "n/a (the reference)";
                    if (Tool.BareOf(t) is not { } bare || !tools.Contains(bare)) return "n/a";
                    if (!d.Has(t, "cold") || !d.Has(bare, "cold") || !d.Has(t, "nochange") || !d.Has(bare, "nochange")) return "n/a";
                    var (cold, coldBare) = (d.Wall(t, "cold"), d.Wall(bare, "cold"));
                    var (same, sameBare) = (d.Wall(t, "nochange"), d.Wall(bare, "nochange"));
                    var sameLimit = sameBare + Math.Max(NoChangeNoiseSeconds, NoChangeNoiseShare * sameBare);
                    var coldMet = cold <= SbomColdLimit * coldBare;
                    var sameMet = same <= sameLimit;
                    return Verdict(coldMet && sameMet,
                        $"cold {Ratio(cold, coldBare)}, {S(cold)} vs {S(coldBare)}, limit {S(SbomColdLimit * coldBare)}: {(coldMet ? "met" : "not met")}; " +
                        $"no change {Signed(same - sameBare, S)}, {S(same)} vs {S(sameBare)}, limit {S(sameLimit)}: {(sameMet ? "met" : "not met")}");
                }));
            }
            targets.Add(("image size no larger than the SDK's", t =>
            {
                if (!b.Images.TryGetValue("sdk", out var s) || !b.Images.TryGetValue(t, out var i)) return "n/a";
                return Verdict(i.LayerBytes <= s.LayerBytes, $"{Mb(i.LayerBytes)} vs {Mb(s.LayerBytes)}");
            }));
        }
        var plainPeak = d.First("plain", "memory")?.PeakRss;
        if (plainPeak is not null && backends.Any(t => d.Has(t, "memory")))
        {
            targets.Add(($"memory: peak RSS ≤ plain publish + 200 MB ({o.MemoryMiB} MiB publish output)", t =>
            {
                if (d.First(t, "memory") is not { } mm) return "n/a";
                var diff = mm.PeakRss - plainPeak.Value;
                return Verdict(diff <= 200_000_000, $"+{Mb(diff)}");
            }));
        }
        if (backends.Any(t => d.Of(t, "scale").Count() > 1))
        {
            targets.Add(("scale: growth no worse than linear (t(N) ≤ N·t(1))", t =>
            {
                var runs = d.Of(t, "scale").OrderBy(x => x.Index).ToList();
                var one = runs.FirstOrDefault(x => x.Index == 1);
                if (one is null || runs.Count < 2) return "n/a";
                var worst = runs.Where(x => x.Index > 1).Max(x => x.Seconds / (x.Index * one.Seconds));
                return Verdict(worst <= 1, $"worst t(N)/(N·t(1)) = {worst:0.00}");
            }));
        }
        if (targets.Count > 0)
        {
            L("## Targets");
            L();
            L("| Target | " + string.Join(" | ", backends.Select(Title)) + " |");
            L("|---|" + string.Concat(backends.Select(_ => "---|")));
            foreach (var (target, verdict) in targets) L($"| {target} | " + string.Join(" | ", backends.Select(verdict)) + " |");
            L();
        }

        // ------------------------------------------------------------------ memory
        if (plainPeak is not null)
        {
            L($"## Memory: a {o.MemoryMiB} MiB publish output");
            L();
            L("| Build | peak RSS of the process tree | difference to plain publish | wall time |");
            L("|---|---:|---:|---:|");
            foreach (var t in new[] { "plain" }.Concat(backends))
            {
                if (d.First(t, "memory") is not { } mm) continue;
                var label = t == "plain" ? "`dotnet publish` (no container)"
                    : Tool.Of(t).Backend == "daemonless" ? $"Containerize, {Title(t)}" : $"Containerize, {Title(t)} ({Describe(t)})";
                L($"| {label} | {Mb(mm.PeakRss)} | {(t == "plain" ? "" : "+" + Mb(mm.PeakRss - plainPeak.Value))} | {S(mm.Seconds)} |");
            }
            L();
            L("One run each, after an unmeasured publish of the same project (so no compilation is in them), with");
            L("`-nodeReuse:false --disable-build-servers` and `DOTNET_CLI_USE_MSBUILD_SERVER=0`; the content file is random bytes");
            L("(incompressible). The docker backend's image stays in the engine (its push would be the engine's work); the");
            L("daemonless backend pushes through the proxy. The Docker engine's own memory is not in the tree. Only the docker");
            L("and daemonless tools run here (docker-legacy, docker28 and daemonless-bare are not in the memory runs).");
            foreach (var n in b.Notes.Where(x => x.StartsWith("memory", StringComparison.Ordinal))) L($"- {n}");
            L();
        }

        // ------------------------------------------------------------------ scale
        if (backends.Any(t => d.Has(t, "scale")))
        {
            L("## Scale: one `dotnet publish <solution> -m -p:Containerize=true` (cold, once each)");
            L();
            L("Tools: " + string.Join("; ", backends.Where(t => d.Has(t, "scale")).Select(t => $"{Title(t)}: {Describe(t)}")) + ".");
            L();
            var head = "| projects |" + string.Concat(backends.Where(t => d.Has(t, "scale")).Select(t => $" {Title(t)} | per project | t(N) / (N·t(1)) |"));
            L(head);
            L("|---:|" + string.Concat(backends.Where(t => d.Has(t, "scale")).Select(_ => "---:|---:|---:|")));
            foreach (var n in o.Scale)
            {
                var row = new StringBuilder($"| {n} |");
                foreach (var t in backends.Where(t => d.Has(t, "scale")))
                {
                    var x = d.Of(t, "scale").FirstOrDefault(y => y.Index == n);
                    var one = d.Of(t, "scale").FirstOrDefault(y => y.Index == 1);
                    row.Append(x is null ? " – | – | – |" : $" {S(x.Seconds)} | {S(x.Seconds / n)} | {(one is null ? "–" : (x.Seconds / (n * one.Seconds)).ToString("0.00", Inv))} |");
                }
                L(row.ToString());
            }
            L();
            L("A value of t(N) / (N·t(1)) at or below 1 is linear or better; on 2 cores `-m` builds two projects at a time.");
            L();
        }

        // ------------------------------------------------------------------ analysis (written by hand, kept across runs)
        var analysis = Path.Combine(o.Repo, "eng", "bench", "analysis.md");
        if (File.Exists(analysis))
        {
            L(File.ReadAllText(analysis).TrimEnd());
            L();
        }

        // ------------------------------------------------------------------ how
        L("## How it was measured");
        L();
        L($"- The app is {Path.GetFileName(o.AppDir.TrimEnd('/'))} from ../shared/bench, copied into a temporary folder: one copy per tool (the SDK's without");
        L("  the Containerize package reference), restored beforehand (restore is never timed). Every build is");
        L("  `dotnet publish -c Release --no-restore -nodeReuse:false`, timed from start to exit (wall time). A warm-up publish runs first.");
        L("- SDK: `-t:PublishContainer`; Containerize: `-p:Containerize=true` with the tool's `ContainerizeBackend` and");
        L("  `ContainerizeBuilder` (the tools table); docker28's builds and its docker CLI calls have `DOCKER_HOST` set to engine 28's");
        L($"  socket. All with `-p:ContainerRegistry=localhost:{o.ProxyPort} -p:ContainerBaseImage=localhost:{o.ProxyPort}/{b.BaseRepository}:{b.BaseTag}` and a repository of their own.");
        L($"- The registry is the benchmark's own Docker Distribution on 127.0.0.1:{o.RegistryPort}, its storage in the temporary folder, holding");
        L($"  a copy of {o.BaseImage}; nothing else writes to it. Every tool reaches it (base image and push) through a TCP proxy on");
        L($"  127.0.0.1:{o.ProxyPort} that counts bytes: **bytes sent** are client → registry (for the engine tools the client is the");
        L("  engine). **New blob bytes** are the growth of the sum of the sizes of the blob `data` files under the storage's");
        L("  `docker/registry/v2/blobs`. **Requests** and **writes** (POST/PUT/PATCH) come from the registry's access log.");
        L($"- The proxy's port (the registry's name for the tools, `localhost:{o.ProxyPort}`) is new each run: the engine remembers which");
        L("  repositories of a registry name hold a layer and mounts from them, and an earlier run's repositories are gone.");
        L("  The base image is pulled into each engine through the proxy and pushed back once (nothing is sent), so that the");
        L("  engine knows this registry holds the base layers and mounts them, as after a pull that downloaded them.");
        L("- Engine 28 (containerd image store) remembers where a blob came from per registry host without the port, and mounts");
        L("  from the one repository that shares the most leading path components with the target (the last in sorted order");
        L("  among equals). So that it mounts the base layers from this registry, as a user's engine mounts them from the");
        L("  repository it pulled the base from, the registry also holds the base as `bench/docker28-cold-base` (kept by the");
        L("  resets), tagged and pushed once by that engine; without it the engine would pick the previous cold run's");
        L("  repository (removed) and upload the 150 MB of base layers again in every cold build.");
        L("- The proxy answers a connection that starts with a TLS ClientHello itself, as a plain HTTP server does");
        L("  (`HTTP/1.0 400 Bad Request`, closed): a client that tries HTTPS first then falls back to HTTP (engine 28's");
        L("  containerd resolver needs that answer). Those connections are not counted in the bytes.");
        L("- Cold: the base image in the engine and in the registry; bin/ and obj/Release/ deleted, a new repository, the");
        L("  previous cold run's image removed from its engine (the legacy builder's cache), for BuildKit the engine's unused");
        L("  build cache removed (`docker builder prune -a -f`: BuildKit's cache outlives the images), and before every round");
        L("  of cold runs but the first the registry taken back to the base image alone (other repositories removed, garbage-collected;");
        L("  each engine then pushes the base once, sending nothing, so that it mounts the base layers from the base repository). No change:");
        L("  the same command again. Code change: one string in Program.cs changed, the same command again.");
        L("- Image size: the sum of the compressed layer sizes in the pushed manifest (the first cold run's image).");
        L("- The builds share the machine's Roslyn compiler server (started by the warm-up; the memory runs disable it).");
        L();

        // ------------------------------------------------------------------ every run
        L("## Every run");
        L();
        L("| tool | scenario | # | repository | wall | first write | sent | received | new blobs | requests | writes | peak RSS |");
        L("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var x in d.R)
        {
            L($"| {x.Tool} | {x.Scenario} | {x.Index} | {(x.Repository.Length > 0 ? $"`{x.Repository}`" : "")} | {S(x.Seconds)} | {(double.IsNaN(x.FirstWrite) ? "" : S(x.FirstWrite))} | {x.Sent.ToString("N0", Inv)} | " +
              $"{x.Received.ToString("N0", Inv)} | {x.NewBlobBytes.ToString("N0", Inv)} | {x.Requests} | {x.WriteRequests} | {(x.PeakRss > 0 ? Mb(x.PeakRss) : "")} |");
        }
        L();
        L("First write: seconds from the start to the first POST, PUT or PATCH through the proxy. Sent, received and new blobs in");
        L("bytes; for `scale` the number is the number of projects and the repository a namespace.");
        return sb.ToString();
    }

    static IEnumerable<(string Digest, long Size)> AppLayers(Bench b, ImageInfo i)
    {
        var baseLayers = b.BaseInfo?.Layers.Select(l => l.Digest).ToHashSet(StringComparer.Ordinal) ?? [];
        return i.Layers.Where(l => !baseLayers.Contains(l.Digest));
    }

    /// <summary>The target "SBOM + provenance": cold at most this times the bare tool's (issue: +≤ 10%).</summary>
    public const double SbomColdLimit = 1.10;

    /// <summary>No change with SBOM and provenance: at most the bare tool's plus the larger of these (the noise of one run).</summary>
    public const double NoChangeNoiseSeconds = 0.10;

    public const double NoChangeNoiseShare = 0.05;

    /// <summary>Each tool of TOOLS with its bare counterpart (<see cref="Tool.BareOf"/>) when both are in TOOLS.</summary>
    static IEnumerable<(string Tool, string Bare)> BarePairs(IReadOnlyCollection<string> tools) =>
        tools.Select(t => (t, Tool.BareOf(t))).Where(p => p.Item2 is { } bare && tools.Contains(bare)).Select(p => (p.t, p.Item2!));

    /// <summary>A difference with its sign: "+0.31 s", "-12.0 kB", "0".</summary>
    static string Signed(double value, Func<double, string> format)
    {
        // A difference that rounds to nothing gets no sign ("0.00 s", not "-0.00 s").
        var text = format(Math.Abs(value));
        return !text.Any(c => c is >= '1' and <= '9') ? format(0) : (value > 0 ? "+" : "-") + text;
    }

    static string Verdict(bool met, string detail) => (met ? "met" : "**not met**") + $" ({detail})";

    static string Title(string tool) => tool switch
    {
        "sdk" => "SDK",
        _ => tool,
    };

    /// <summary>Builder and engine of a Containerize tool, in a few words.</summary>
    static string Describe(string tool)
    {
        var t = Tool.Of(tool);
        if (t.Backend == "daemonless") return "daemonless backend";
        if (t.Backend != "docker") return tool;
        return $"{(t.Builder == "legacy" ? "legacy builder" : "BuildKit")}, {(t.EngineKey == Engine.Docker28Key ? "engine 28, containerd image store" : "default engine")}";
    }
}
