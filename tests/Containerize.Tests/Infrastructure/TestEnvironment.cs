using System.Diagnostics.CodeAnalysis;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// The engine and registries the integration tests use (eng/env/up.sh starts them). Values come from the
/// environment so that the same tests run against mcr.microsoft.com on a machine with internet.
/// </summary>
public static class TestEnvironment
{
    public static string BaseRegistry => Variable("CONTAINERIZE_TEST_BASE_REGISTRY", "localhost:5000");

    /// <summary>The registry with no credentials, for pushes (host:port).</summary>
    public static string OpenRegistry => Variable("CONTAINERIZE_TEST_REGISTRY", "localhost:5000");

    /// <summary>The registry that asks for <see cref="AuthUser"/> and <see cref="AuthPassword"/> (host:port).</summary>
    public static string AuthRegistry => Variable("CONTAINERIZE_TEST_AUTH_REGISTRY", "127.0.0.1:5001");

    public static string AuthUser => Variable("CONTAINERIZE_TEST_AUTH_USER", "ctzuser");

    public static string AuthPassword => Variable("CONTAINERIZE_TEST_AUTH_PASSWORD", "ctz-Secret-pw1");

    /// <summary>A base image of a few MB with APP_UID (busybox), for tests whose image need not run .NET.</summary>
    public static string TinyBase => Variable("CONTAINERIZE_TEST_TINY_BASE", "localhost:5000/ctz-test/tiny:1");

    /// <summary>A second engine that takes only TLS with a client certificate, and the folder of ca.pem, cert.pem and key.pem for it.</summary>
    public static string TlsEngine => Variable("CONTAINERIZE_TEST_TLS_HOST", "tcp://127.0.0.1:2376");

    public static string TlsCertificates => Variable("CONTAINERIZE_TEST_TLS_CERTS", "/var/lib/containerize-env/tls/client");

    /// <summary>The server certificate and key (for 127.0.0.1) the TLS engines use, signed by the CA of <see cref="TlsCertificates"/>.</summary>
    public static string TlsServerCertificates => Path.Combine(Path.GetDirectoryName(TlsCertificates.TrimEnd('/'))!, "server");

    /// <summary>
    /// The socket of Docker Engine 28 (containerd image store), whose built-in BuildKit stands in for a standalone
    /// buildkitd (<see cref="BuildKitRelay"/>): fails under CI=true when it does not answer, else marks the test inconclusive.
    /// </summary>
    public static string RequireEngine28Socket()
    {
        var socket = Variable("CONTAINERIZE_TEST_ENGINE28_HOST", "unix:///run/containerize-docker28/docker.sock")["unix://".Length..];
        if (!File.Exists(socket))
        {
            Unavailable($"Docker Engine 28's socket {socket} does not exist: run eng/env/up.sh.");
        }

        return socket;
    }

    /// <summary>
    /// The CycloneDX .NET tool (dotnet-CycloneDX 6.3.1, which eng/env/supply-chain-tools.sh installs), to compare the
    /// SBOM with: fails under CI=true when it is missing, else marks the test inconclusive.
    /// </summary>
    public static string RequireCycloneDxTool()
    {
        var tool = Variable("CONTAINERIZE_TEST_CYCLONEDX", "/var/lib/containerize-env/tools/dotnet/dotnet-CycloneDX");
        if (!File.Exists(tool))
        {
            Unavailable($"The CycloneDX .NET tool {tool} does not exist: run eng/env/up.sh.");
        }

        return tool;
    }

    /// <summary>XDG_RUNTIME_DIR under which Podman's Docker-compatible socket is podman/podman.sock.</summary>
    public static string PodmanRuntimeDirectory => Variable("CONTAINERIZE_TEST_PODMAN_RUNTIME_DIR", "/var/lib/containerize-env/xdg");

    /// <summary>An index of the tiny base for linux/amd64 and linux/arm64 (v8).</summary>
    public static string MultiPlatformBase => Variable("CONTAINERIZE_TEST_MULTI_BASE", "localhost:5000/ctz-test/tiny-multi:1");

    /// <summary>Environment variables for a build where no engine answers, with a blob cache of the test's own.</summary>
    public static Dictionary<string, string?> NoEngine(TemporaryFolder cache) => new()
    {
        ["DOCKER_HOST"] = "tcp://127.0.0.1:1",
        ["XDG_CACHE_HOME"] = cache.Path,
    };

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The version prefix the engine of this pass must report (eng/test.sh runs the Engine-category tests once per
    /// engine, with DOCKER_HOST and this variable set), so a pass never runs against another engine unnoticed.
    /// </summary>
    public static string EngineVersion => Variable("CONTAINERIZE_TEST_ENGINE_VERSION", "");

    /// <summary>The socket of the engine this pass tests: DOCKER_HOST's when it names one, else the default socket.</summary>
    public static string EngineSocket =>
        Environment.GetEnvironmentVariable("DOCKER_HOST") is { } host && host.StartsWith("unix://", StringComparison.Ordinal) ? host["unix://".Length..] : "/var/run/docker.sock";

    private static bool? containerdImageStore;

    /// <summary>
    /// Whether the engine of this pass keeps images in the containerd image store (docker info: driver-type
    /// io.containerd.snapshotter.v1), where an image's id is its manifest's digest, not its config's.
    /// </summary>
    public static bool UsesContainerdImageStore => containerdImageStore ??=
        DockerCli.Run("info", "--format", "{{json .DriverStatus}}").ShouldSucceed().Output.Contains("io.containerd.snapshotter.v1", StringComparison.Ordinal);

    private static string? engineVersionSeen;

    /// <summary>
    /// Fails the test under CI=true when no engine answers (elsewhere marks it inconclusive, not passed), and always
    /// when the engine that answers is not the one this pass is for.
    /// </summary>
    public static void RequireEngine()
    {
        if (engineVersionSeen is null)
        {
            var version = ProcessRunner.Run("docker", ["version", "--format", "{{.Server.Version}}"], timeout: TimeSpan.FromSeconds(30));
            engineVersionSeen = version.ExitCode == 0 ? version.Output.Trim() : "";
        }

        if (engineVersionSeen.Length > 0)
        {
            Assert.IsTrue(engineVersionSeen.StartsWith(EngineVersion, StringComparison.Ordinal),
                $"This pass is for engine {EngineVersion}*, but the engine at DOCKER_HOST={Environment.GetEnvironmentVariable("DOCKER_HOST")} is {engineVersionSeen}.");
            return;
        }

        Unavailable("This test needs a Docker engine: run eng/env/up.sh first.");
    }

    /// <summary>
    /// Something of the test environment a test needs is missing: a failure under CI=true, where eng/env/up.sh has
    /// just run, else (a developer's machine without it) an inconclusive test, not a passed one.
    /// </summary>
    [DoesNotReturn]
    public static void Unavailable(string message)
    {
        if (IsCi)
        {
            Assert.Fail(message);
        }

        Assert.Inconclusive(message);
    }

    private static string Variable(string name, string fallback)
    {
        var value = Environment.GetEnvironmentVariable(name);
        return string.IsNullOrEmpty(value) ? fallback : value;
    }
}
