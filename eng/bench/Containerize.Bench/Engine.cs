namespace Containerize.Bench;

/// <summary>
/// A Docker engine that engine tools build in: the default one (the environment's DOCKER_HOST, else
/// /var/run/docker.sock: engine 20.10 in the test environment) for docker and docker-legacy, engine 28 with the
/// containerd image store on a socket of its own for docker28. Each keeps the repositories the benchmark made in it,
/// so that each engine's images are removed from that engine.
/// </summary>
public sealed class Engine
{
    public const string DefaultKey = "default";
    public const string Docker28Key = "docker28";

    Engine(string key, string? host)
    {
        Key = key;
        Host = host;
        // Engine 28 by its socket alone: no TLS settings or context of the environment may redirect its docker CLI calls
        // or the build's engine (Containerize reads DOCKER_HOST before any docker context).
        Environment = host is null
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?>
            {
                ["DOCKER_HOST"] = host,
                ["DOCKER_CONTEXT"] = null,
                ["DOCKER_TLS_VERIFY"] = null,
                ["DOCKER_CERT_PATH"] = null,
            };
    }

    public static Engine Default() => new(DefaultKey, null);

    public static Engine Docker28(string host) => new(Docker28Key, host);

    public string Key { get; }

    /// <summary>DOCKER_HOST for its docker CLI calls and builds; null: as the environment has it.</summary>
    public string? Host { get; }

    /// <summary>What the builds and docker CLI calls for this engine get in their environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; }

    /// <summary>Where it listens, for the messages.</summary>
    public string Where => Host ?? (System.Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } h ? h : "unix:///var/run/docker.sock");

    /// <summary>Repositories (under the proxy's registry name, or local names) the benchmark made images of in it.</summary>
    public HashSet<string> Repositories { get; } = new(StringComparer.Ordinal);

    /// <summary>Version, API version and image store, once asked (<see cref="Describe"/>); empty: not answering.</summary>
    public string Description { get; private set; } = "";

    /// <summary>Asks the engine for its version and image store; false when it does not answer.</summary>
    public bool Describe(Proc proc)
    {
        var version = proc.OutputWith(Environment, "docker", "version", "--format", "{{.Server.Version}} (API {{.Server.APIVersion}})");
        if (version is null)
        {
            Description = "";
            return false;
        }
        var info = proc.OutputWith(Environment, "docker", "info", "--format", "{{.Driver}}|{{json .DriverStatus}}") ?? "";
        var store = info.Contains("io.containerd.snapshotter", StringComparison.Ordinal)
            ? $"containerd image store ({info.Split('|')[0]} snapshotter)"
            : $"{info.Split('|')[0]} storage driver";
        Description = $"{version}, {store}, {Where}";
        return true;
    }

    public bool ContainerdStore => Description.Contains("containerd image store", StringComparison.Ordinal);
}
