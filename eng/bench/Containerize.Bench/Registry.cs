using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Containerize.Bench;

/// <summary>What changed in the registry during one run.</summary>
public sealed record RegistryDelta(long NewBlobBytes, int Requests, int WriteRequests);

/// <summary>An image's manifest, as pushed: its layers' compressed sizes.</summary>
public sealed record ImageInfo(string Reference, string Digest, long ConfigBytes, IReadOnlyList<(string Digest, long Size)> Layers)
{
    public long LayerBytes => Layers.Sum(l => l.Size);
}

/// <summary>
/// A registry of the benchmark's own (Docker Distribution, the docker-registry binary of the test environment) on
/// 127.0.0.1:PORT with its storage in the benchmark's temporary folder: nothing else pushes to it while the benchmark
/// runs (the test suite uses :5000), so the new blob bytes are the benchmark's, and it goes away at the end.
/// </summary>
public sealed partial class Registry : IDisposable
{
    readonly Process _process;
    readonly string _log;
    readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    long _logOffset;

    public int Port { get; }
    public string Storage { get; }
    public string Blobs => Path.Combine(Storage, "docker", "registry", "v2", "blobs");

    Registry(Process process, int port, string storage, string log)
    {
        _process = process;
        Port = port;
        Storage = storage;
        _log = log;
    }

    public static Registry Start(string dir, int port, string marker)
    {
        var storage = Path.Combine(dir, "storage");
        Directory.CreateDirectory(storage);
        var config = Path.Combine(dir, "config.yml");
        File.WriteAllText(config, $$$"""
            version: 0.1
            log: {level: info, accesslog: {disabled: false}}
            storage:
              filesystem: {rootdirectory: {{{storage}}}}
              delete: {enabled: true}
            http:
              addr: 127.0.0.1:{{{port}}}
              secret: containerize-bench
            """);
        var log = Path.Combine(dir, "registry.log");
        var psi = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, WorkingDirectory = dir };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec docker-registry serve \"$0\" >>\"$1\" 2>&1 </dev/null");
        psi.ArgumentList.Add(config);
        psi.ArgumentList.Add(log);
        psi.Environment[Proc.MarkerVariable] = marker;
        var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start docker-registry");
        var r = new Registry(p, port, storage, log);
        var sw = Stopwatch.StartNew();
        while (true)
        {
            if (p.HasExited) throw new InvalidOperationException($"docker-registry exited at start: {Tail(log, 20)}");
            try
            {
                using var resp = r._http.GetAsync($"http://127.0.0.1:{port}/v2/").GetAwaiter().GetResult();
                if ((int)resp.StatusCode == 200) break;
            }
            catch (HttpRequestException) { }
            if (sw.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"docker-registry on port {port} did not answer within 30 s");
            Thread.Sleep(100);
        }
        r.MarkLog();
        return r;
    }

    /// <summary>The sum of the sizes of the blob "data" files (directory sizes are not counted).</summary>
    public long BlobBytes()
    {
        if (!Directory.Exists(Blobs)) return 0;
        long sum = 0;
        foreach (var f in Directory.EnumerateFiles(Blobs, "data", SearchOption.AllDirectories)) sum += new FileInfo(f).Length;
        return sum;
    }

    /// <summary>Remembers where the access log ends now; <see cref="RequestsSinceMark"/> reads what came after.</summary>
    public void MarkLog() => _logOffset = new FileInfo(_log).Length;

    /// <summary>
    /// The requests the registry logged since the last mark: all of them, the writes (POST, PUT, PATCH, DELETE), a line
    /// each, and the digests of the cross-repository mounts that succeeded (201).
    /// </summary>
    public (int All, int Writes, List<string> Lines, List<string> Mounted) RequestsSinceMark()
    {
        using var fs = new FileStream(_log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        fs.Seek(_logOffset, SeekOrigin.Begin);
        using var reader = new StreamReader(fs);
        var text = reader.ReadToEnd();
        int all = 0, writes = 0;
        var lines = new List<string>();
        var mounted = new List<string>();
        foreach (Match m in AccessLine().Matches(text))
        {
            all++;
            var method = m.Groups[1].Value;
            if (method is "POST" or "PUT" or "PATCH" or "DELETE") writes++;
            var uri = m.Groups[2].Value;
            var digest = MountDigest().Match(uri) is { Success: true } d ? Uri.UnescapeDataString(d.Groups[1].Value) : null;
            var from = MountFrom().Match(uri) is { Success: true } f ? Uri.UnescapeDataString(f.Groups[1].Value) : "?";
            var mount = digest is null ? "" : $" (mount {digest[..Math.Min(digest.Length, 19)]} from {from})";
            if (digest is not null && m.Groups[3].Value == "201") mounted.Add(digest);
            lines.Add($"{method} {uri.Split('?')[0]} {m.Groups[3].Value}{mount}");
        }
        _logOffset = fs.Length;
        return (all, writes, lines, mounted);
    }

    [GeneratedRegex("\"(GET|HEAD|PUT|POST|PATCH|DELETE) (\\S+) HTTP/[0-9.]+\" ([0-9]{3})")]
    private static partial Regex AccessLine();

    [GeneratedRegex("[?&]mount=([^&]+)")]
    private static partial Regex MountDigest();

    [GeneratedRegex("[?&]from=([^&]+)")]
    private static partial Regex MountFrom();

    public List<string> Tags(string repository)
    {
        using var resp = _http.GetAsync($"http://127.0.0.1:{Port}/v2/{repository}/tags/list").GetAwaiter().GetResult();
        if (!resp.IsSuccessStatusCode) return [];
        using var doc = JsonDocument.Parse(resp.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return doc.RootElement.TryGetProperty("tags", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(e => e.GetString() ?? "").Where(s => s.Length > 0).Order(StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>The manifest of REPOSITORY:REFERENCE (an index resolves to its linux/amd64 entry).</summary>
    public ImageInfo? Manifest(string repository, string reference)
    {
        using var req = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{Port}/v2/{repository}/manifests/{reference}");
        foreach (var t in new[]
                 {
                     "application/vnd.oci.image.manifest.v1+json", "application/vnd.docker.distribution.manifest.v2+json",
                     "application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json",
                 })
            req.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(t));
        using var resp = _http.Send(req);
        if (!resp.IsSuccessStatusCode) return null;
        var digest = resp.Headers.TryGetValues("Docker-Content-Digest", out var d) ? d.First() : "";
        using var doc = JsonDocument.Parse(resp.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        var root = doc.RootElement;
        if (root.TryGetProperty("manifests", out var manifests))
        {
            foreach (var m in manifests.EnumerateArray())
            {
                if (m.TryGetProperty("platform", out var p) && p.GetProperty("os").GetString() == "linux" &&
                    p.GetProperty("architecture").GetString() == "amd64")
                    return Manifest(repository, m.GetProperty("digest").GetString()!);
            }
            return null;
        }
        var layers = root.GetProperty("layers").EnumerateArray()
            .Select(l => (l.GetProperty("digest").GetString() ?? "", l.GetProperty("size").GetInt64())).ToList();
        var config = root.TryGetProperty("config", out var c) ? c.GetProperty("size").GetInt64() : 0;
        return new ImageInfo($"{repository}:{reference}", digest, config, layers);
    }

    public static string Tail(string path, int lines)
    {
        try
        {
            var all = File.ReadAllLines(path);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
        _http.Dispose();
    }
}
