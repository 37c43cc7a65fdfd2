using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class DockerEndpointResolverTests : IDisposable
{
    private const string RemoteHost = "tcp://127.0.0.1:2376";
    private const string PodmanRootless = "/run/user/1000/podman/podman.sock";
    private const string PodmanRootful = "/run/podman/podman.sock";

    private readonly TemporaryDirectory dockerConfig = new();
    private readonly Dictionary<string, string?> environment = new(StringComparer.Ordinal);
    private readonly HashSet<string> sockets = new(StringComparer.Ordinal);

    public DockerEndpointResolverTests() => environment["DOCKER_CONFIG"] = dockerConfig.Path;

    public void Dispose() => dockerConfig.Dispose();

    /// <summary>
    /// The environment and the sockets are the test's own (this machine's sockets are never seen); files under the
    /// test's temporary folders (the docker config) are real, because the resolver reads them.
    /// </summary>
    private DockerEndpoint? Resolve(string containerDockerHost = "") =>
        new DockerEndpointResolver(
            name => environment.GetValueOrDefault(name),
            path => sockets.Contains(path) || (path.StartsWith(TemporaryDirectory.Root, StringComparison.Ordinal) && File.Exists(path)))
            .Resolve(containerDockerHost);

    private static string ContextId(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private void AddContext(string name, string host, string? configDirectory = null)
    {
        var meta = Path.Combine(configDirectory ?? dockerConfig.Path, "contexts", "meta", ContextId(name), "meta.json");
        Directory.CreateDirectory(Path.GetDirectoryName(meta)!);
        File.WriteAllText(meta, JsonSerializer.Serialize(new { Name = name, Metadata = new { }, Endpoints = new { docker = new { Host = host, SkipTLSVerify = false } } }));
    }

    private void SetCurrentContext(string name) => dockerConfig.WriteFile("config.json", $$"""{"auths":{},"currentContext":"{{name}}"}""");

    private static void AssertEndpoint(string uri, string source, bool isConfigured, DockerEndpoint? endpoint)
    {
        Assert.IsNotNull(endpoint);
        Assert.AreEqual(new Uri(uri), endpoint.Uri);
        Assert.AreEqual(source, endpoint.Source);
        Assert.AreEqual(isConfigured, endpoint.IsConfigured);
    }

    [TestMethod]
    public void ContainerDockerHost_beats_DOCKER_HOST_and_everything_after_it()
    {
        environment["DOCKER_HOST"] = "tcp://10.0.0.1:2375";
        environment["DOCKER_CONTEXT"] = "remote";
        AddContext("remote", RemoteHost);
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint("unix:///custom/docker.sock", "ContainerDockerHost", true, Resolve("unix:///custom/docker.sock"));
    }

    [TestMethod]
    public void DOCKER_HOST_beats_the_docker_context()
    {
        environment["DOCKER_HOST"] = "tcp://10.0.0.1:2375";
        environment["DOCKER_CONTEXT"] = "remote";
        AddContext("remote", RemoteHost);

        AssertEndpoint("tcp://10.0.0.1:2375", "DOCKER_HOST", true, Resolve());
    }

    [TestMethod]
    public void An_empty_DOCKER_HOST_counts_as_unset()
    {
        environment["DOCKER_HOST"] = "";
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint("unix:///var/run/docker.sock", "the default socket", false, Resolve());
    }

    [TestMethod]
    public void DOCKER_CONTEXT_selects_the_context_whose_meta_json_is_under_the_sha256_of_its_name()
    {
        environment["DOCKER_CONTEXT"] = "remote";
        AddContext("remote", RemoteHost);
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint(RemoteHost, "docker context 'remote'", true, Resolve());
    }

    [TestMethod]
    public void The_current_context_of_config_json_is_used_when_DOCKER_CONTEXT_is_unset()
    {
        SetCurrentContext("colima");
        AddContext("colima", "unix:///home/me/.colima/default/docker.sock");
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint("unix:///home/me/.colima/default/docker.sock", "docker context 'colima'", true, Resolve());
    }

    [TestMethod]
    public void DOCKER_CONTEXT_beats_the_current_context_of_config_json()
    {
        SetCurrentContext("colima");
        AddContext("colima", "unix:///home/me/.colima/default/docker.sock");
        environment["DOCKER_CONTEXT"] = "remote";
        AddContext("remote", RemoteHost);

        AssertEndpoint(RemoteHost, "docker context 'remote'", true, Resolve());
    }

    [TestMethod]
    public void The_docker_folder_under_HOME_is_read_when_DOCKER_CONFIG_is_unset()
    {
        using var home = new TemporaryDirectory();
        environment.Remove("DOCKER_CONFIG");
        environment["HOME"] = home.Path;
        environment["DOCKER_CONTEXT"] = "remote";
        AddContext("remote", RemoteHost, home.Combine(".docker"));

        AssertEndpoint(RemoteHost, "docker context 'remote'", true, Resolve());
    }

    [TestMethod]
    public void The_default_context_is_ignored_in_favour_of_the_default_socket()
    {
        environment["DOCKER_CONTEXT"] = "default";
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint("unix:///var/run/docker.sock", "the default socket", false, Resolve());
    }

    [TestMethod]
    public void A_current_context_named_default_in_config_json_is_ignored()
    {
        SetCurrentContext("default");

        Assert.IsNull(Resolve());
    }

    [TestMethod]
    public void A_context_without_meta_json_is_CTZ2002_naming_the_context_and_the_path()
    {
        environment["DOCKER_CONTEXT"] = "gone";
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ2002", exception.Diagnostic.Code);
        Assert.AreEqual($"The current docker context 'gone' has no endpoint: {Path.Combine(dockerConfig.Path, "contexts", "meta", ContextId("gone"), "meta.json")} is missing. Run 'docker context use default', fix the context, or set ContainerDockerHost.", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void A_context_whose_meta_json_has_no_docker_host_is_CTZ2002()
    {
        environment["DOCKER_CONTEXT"] = "broken";
        var meta = dockerConfig.WriteFile(Path.Combine("contexts", "meta", ContextId("broken"), "meta.json"), """{"Name":"broken","Endpoints":{}}""");

        var error = Assert.ThrowsExactly<ContainerizeException>(() => Resolve()).Diagnostic;

        Assert.AreEqual("CTZ2002", error.Code);
        Assert.StartsWith($"The current docker context 'broken' has no endpoint: {meta} names no Endpoints.docker.Host. ", error.Message);
    }

    [TestMethod]
    public void A_config_json_that_is_not_JSON_names_no_context()
    {
        dockerConfig.WriteFile("config.json", "{ not json");
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint("unix:///var/run/docker.sock", "the default socket", false, Resolve());
    }

    [TestMethod]
    public void A_context_whose_meta_json_is_not_JSON_is_CTZ2002()
    {
        environment["DOCKER_CONTEXT"] = "garbled";
        var meta = dockerConfig.WriteFile(Path.Combine("contexts", "meta", ContextId("garbled"), "meta.json"), "{ not json");

        var error = Assert.ThrowsExactly<ContainerizeException>(() => Resolve()).Diagnostic;

        Assert.AreEqual("CTZ2002", error.Code);
        Assert.StartsWith($"The current docker context 'garbled' has no endpoint: {meta} is not valid JSON. ", error.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void A_context_whose_meta_json_is_a_FIFO_is_CTZ2002_and_is_not_opened()
    {
        environment["DOCKER_CONTEXT"] = "piped";
        var meta = Fifo.Make(dockerConfig.Combine(Path.Combine("contexts", "meta", ContextId("piped"), "meta.json")));

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ2002", exception.Diagnostic.Code);
        Assert.AreEqual($"The current docker context 'piped' has no endpoint: {meta} is a FIFO (named pipe), not a regular file, and is not read (reading it could wait for ever). Run 'docker context use default', fix the context, or set ContainerDockerHost.", exception.Diagnostic.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void A_config_json_that_is_a_FIFO_is_not_opened_and_names_no_context()
    {
        Fifo.Make(dockerConfig.Combine("config.json"));
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint("unix:///var/run/docker.sock", "the default socket", false, Resolve());
    }

    [TestMethod]
    public void A_docker_context_beats_the_default_socket_and_Podman()
    {
        SetCurrentContext("remote");
        AddContext("remote", RemoteHost);
        sockets.UnionWith([DockerEndpointResolver.DefaultSocket, PodmanRootful]);

        AssertEndpoint(RemoteHost, "docker context 'remote'", true, Resolve());
    }

    [TestMethod]
    public void The_default_socket_is_found_but_not_configured()
    {
        sockets.Add(DockerEndpointResolver.DefaultSocket);

        AssertEndpoint("unix:///var/run/docker.sock", "the default socket", false, Resolve());
    }

    [TestMethod]
    public void The_default_socket_beats_Podman()
    {
        environment["XDG_RUNTIME_DIR"] = "/run/user/1000";
        sockets.UnionWith([DockerEndpointResolver.DefaultSocket, PodmanRootless, PodmanRootful]);

        AssertEndpoint("unix:///var/run/docker.sock", "the default socket", false, Resolve());
    }

    [TestMethod]
    public void Podmans_rootless_socket_under_XDG_RUNTIME_DIR_comes_before_the_rootful_one()
    {
        environment["XDG_RUNTIME_DIR"] = "/run/user/1000";
        sockets.UnionWith([PodmanRootless, PodmanRootful]);

        AssertEndpoint("unix://" + PodmanRootless, "Podman's socket", false, Resolve());
    }

    [TestMethod]
    public void Podmans_rootful_socket_is_used_without_XDG_RUNTIME_DIR()
    {
        sockets.Add(PodmanRootful);

        AssertEndpoint("unix://" + PodmanRootful, "Podman's socket", false, Resolve());
    }

    [TestMethod]
    public void Podmans_rootful_socket_is_used_when_the_rootless_one_is_missing()
    {
        environment["XDG_RUNTIME_DIR"] = "/run/user/1000";
        sockets.Add(PodmanRootful);

        AssertEndpoint("unix://" + PodmanRootful, "Podman's socket", false, Resolve());
    }

    [TestMethod]
    public void Nothing_configured_and_no_socket_is_null() =>
        Assert.IsNull(Resolve());

    [TestMethod]
    public void Without_HOME_or_DOCKER_CONFIG_no_context_is_read()
    {
        environment.Clear();

        Assert.IsNull(Resolve());
    }

    [TestMethod]
    [DataRow("unix:///var/run/docker.sock")]
    [DataRow("tcp://docker.example.com:2376")]
    [DataRow("http://localhost:2375")]
    [DataRow("https://localhost:2376")]
    [DataRow("npipe:////./pipe/docker_engine")]
    public void The_engine_schemes_are_accepted(string host) =>
        AssertEndpoint(host, "ContainerDockerHost", true, Resolve(host));

    [TestMethod]
    [DataRow("ftp://host")]
    [DataRow("ssh://me@host")]
    [DataRow("docker.example.com:2376")]
    [DataRow("/var/run/docker.sock")]
    [DataRow("not a uri")]
    public void A_ContainerDockerHost_that_is_not_an_engine_endpoint_is_CTZ1020(string host)
    {
        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve(host));

        Assert.AreEqual("CTZ1020", exception.Diagnostic.Code);
        Assert.StartsWith($"ContainerDockerHost '{host}' is not an engine endpoint.", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void An_invalid_DOCKER_HOST_is_CTZ1020_naming_the_variable()
    {
        environment["DOCKER_HOST"] = "ftp://host";

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ1020", exception.Diagnostic.Code);
        Assert.StartsWith("DOCKER_HOST 'ftp://host' is not an engine endpoint.", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void An_invalid_context_endpoint_is_CTZ1020_naming_the_context()
    {
        environment["DOCKER_CONTEXT"] = "odd";
        AddContext("odd", "ftp://host");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ1020", exception.Diagnostic.Code);
        Assert.StartsWith("docker context 'odd' 'ftp://host' is not an engine endpoint.", exception.Diagnostic.Message);
    }
}
