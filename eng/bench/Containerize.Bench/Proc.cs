using System.Diagnostics;
using System.Globalization;

namespace Containerize.Bench;

/// <summary>The outcome of one child process: exit code, wall time, peak RSS of its process tree (when sampled).</summary>
public sealed record ProcResult(int ExitCode, double Seconds, long PeakTreeRssBytes, string LogPath)
{
    public bool Ok => ExitCode == 0;
}

/// <summary>
/// Runs child processes with their output in a log file, times them, and samples the resident memory of their whole
/// process tree from /proc. Every child gets the environment variable <see cref="MarkerVariable"/> naming this run,
/// so that anything left behind (even a process that left the tree) can be found and stopped at the end.
/// </summary>
public sealed class Proc
{
    public const string MarkerVariable = "CTZ_BENCH_RUN";
    static readonly long PageSize = Environment.SystemPageSize;

    readonly Dictionary<string, string?> _env;
    readonly object _gate = new();
    Process? _current;

    public Proc(Dictionary<string, string?> env) => _env = env;

    public string Marker => _env[MarkerVariable] ?? "";

    /// <summary>Runs FILE ARGS in DIR, stdout and stderr to LOG. Waits at most TIMEOUT.</summary>
    public ProcResult Run(string dir, string log, string file, IEnumerable<string> args, bool sampleRss = false,
        TimeSpan? timeout = null, IReadOnlyDictionary<string, string?>? extraEnv = null)
    {
        // sh execs the tool, so the pid we get is the tool's own; sh only sets up the redirection.
        var psi = new ProcessStartInfo("/bin/sh") { WorkingDirectory = dir, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add("exec \"$0\" \"$@\" >\"$CTZ_BENCH_LOG\" 2>&1 </dev/null");
        psi.ArgumentList.Add(file);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in _env) Set(psi, k, v);
        if (extraEnv is not null) foreach (var (k, v) in extraEnv) Set(psi, k, v);
        psi.Environment["CTZ_BENCH_LOG"] = log;
        File.AppendAllText(log, "");

        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        lock (_gate) _current = p;
        long peak = 0;
        var limit = timeout ?? TimeSpan.FromMinutes(20);
        try
        {
            if (sampleRss)
            {
                while (!p.WaitForExit(100))
                {
                    peak = Math.Max(peak, TreeRss(p.Id));
                    if (sw.Elapsed > limit) { Kill(p); throw new TimeoutException($"{file} took longer than {limit}"); }
                }
            }
            else if (!p.WaitForExit(limit))
            {
                Kill(p);
                throw new TimeoutException($"{file} took longer than {limit}");
            }
            p.WaitForExit();
            sw.Stop();
        }
        finally
        {
            lock (_gate) _current = null;
        }
        return new ProcResult(p.ExitCode, sw.Elapsed.TotalSeconds, peak, log);
    }

    /// <summary>Runs a short command and returns its output (stdout and stderr), or null when it fails.</summary>
    public string? Output(string file, params string[] args) => OutputWith(null, file, args);

    /// <summary>As <see cref="Output"/>, with ENV added to the environment (a null value removes a variable).</summary>
    public string? OutputWith(IReadOnlyDictionary<string, string?>? env, string file, params string[] args)
    {
        var log = Path.GetTempFileName();
        try
        {
            var r = Run(Environment.CurrentDirectory, log, file, args, timeout: TimeSpan.FromMinutes(5), extraEnv: env);
            var text = File.ReadAllText(log).Trim();
            return r.Ok ? text : null;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or TimeoutException)
        {
            return null;
        }
        finally
        {
            File.Delete(log);
        }
    }

    /// <summary>Stops the child that runs now, if any (used when the benchmark is interrupted).</summary>
    public void KillCurrent()
    {
        lock (_gate) if (_current is { } p) Kill(p);
    }

    static void Kill(Process p)
    {
        try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } catch (System.ComponentModel.Win32Exception) { }
    }

    static void Set(ProcessStartInfo psi, string k, string? v)
    {
        if (v is null) psi.Environment.Remove(k); else psi.Environment[k] = v;
    }

    /// <summary>The sum of the resident set sizes of PID and all its descendants, read from /proc.</summary>
    public static long TreeRss(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(dir);
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            var ppid = ParentOf(pid);
            if (ppid <= 0) continue;
            if (!children.TryGetValue(ppid, out var list)) children[ppid] = list = [];
            list.Add(pid);
        }
        long sum = 0;
        var todo = new Stack<int>();
        todo.Push(root);
        var seen = new HashSet<int>();
        while (todo.Count > 0)
        {
            var pid = todo.Pop();
            if (!seen.Add(pid)) continue;
            sum += Rss(pid);
            if (children.TryGetValue(pid, out var list)) foreach (var c in list) todo.Push(c);
        }
        return sum;
    }

    static int ParentOf(int pid)
    {
        try
        {
            // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so parse after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            if (close < 0) return -1;
            var fields = stat[(close + 2)..].Split(' ');
            return fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) ? ppid : -1;
        }
        catch (IOException) { return -1; }
        catch (UnauthorizedAccessException) { return -1; }
    }

    static long Rss(int pid)
    {
        try
        {
            // statm: size resident shared text lib data dt (pages); resident is VmRSS (anonymous + file + shmem).
            var statm = File.ReadAllText($"/proc/{pid}/statm").Split(' ');
            return statm.Length > 1 && long.TryParse(statm[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pages) ? pages * PageSize : 0;
        }
        catch (IOException) { return 0; }
        catch (UnauthorizedAccessException) { return 0; }
    }

    /// <summary>Pids of live processes whose environment holds MARKER (processes this run started).</summary>
    public static List<int> PidsWithMarker(string marker)
    {
        var needle = $"{MarkerVariable}={marker}\0";
        var self = Environment.ProcessId;
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == self) continue;
            try
            {
                var env = File.ReadAllText($"{dir}/environ");
                if (env.Contains(needle, StringComparison.Ordinal)) found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
