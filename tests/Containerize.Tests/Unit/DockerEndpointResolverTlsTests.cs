using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>TLS for a remote engine: DOCKER_TLS_VERIFY with DOCKER_CERT_PATH, or the TLS material stored with a docker context.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class DockerEndpointResolverTlsTests : IDisposable
{
    private const string RemoteHost = "tcp://docker.example.com:2376";
    private static readonly string[] PemFiles = ["ca.pem", "cert.pem", "key.pem"];

    private readonly TemporaryDirectory dockerConfig = new();
    private readonly TemporaryDirectory certificates = new();
    private readonly Dictionary<string, string?> environment = new(StringComparer.Ordinal);

    public DockerEndpointResolverTlsTests()
    {
        environment["DOCKER_CONFIG"] = dockerConfig.Path;
        environment["DOCKER_HOST"] = RemoteHost;
    }

    public void Dispose()
    {
        dockerConfig.Dispose();
        certificates.Dispose();
    }

    /// <summary>Only files under the test's temporary folders exist, so this machine's own docker setup is never seen.</summary>
    private DockerEndpoint? Resolve(string containerDockerHost = "") =>
        new DockerEndpointResolver(
            name => environment.GetValueOrDefault(name),
            path => path.StartsWith(TemporaryDirectory.Root, StringComparison.Ordinal) && File.Exists(path))
            .Resolve(containerDockerHost);

    private static void WritePemFiles(string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (var name in names)
        {
            File.WriteAllText(Path.Combine(folder, name), $"-----BEGIN {name}-----\n-----END {name}-----\n");
        }
    }

    private static string ContextId(string name) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    private string ContextTlsFolder(string name) => Path.Combine(dockerConfig.Path, "contexts", "tls", ContextId(name), "docker");

    /// <summary>A context as 'docker context create' stores it, the current one through DOCKER_CONTEXT.</summary>
    private void UseContext(string name, bool? skipTlsVerify = null)
    {
        environment.Remove("DOCKER_HOST");
        environment["DOCKER_CONTEXT"] = name;
        object docker = skipTlsVerify is { } skip ? new { Host = RemoteHost, SkipTLSVerify = skip } : new { Host = RemoteHost };
        dockerConfig.WriteFile(
            Path.Combine("contexts", "meta", ContextId(name), "meta.json"),
            JsonSerializer.Serialize(new { Name = name, Metadata = new { }, Endpoints = new { docker } }));
    }

    private static EngineTls RequireTls(DockerEndpoint? endpoint)
    {
        Assert.IsNotNull(endpoint);
        Assert.IsNotNull(endpoint.Tls);
        return endpoint.Tls;
    }

    // DOCKER_TLS_VERIFY and DOCKER_CERT_PATH.

    [TestMethod]
    public void DOCKER_TLS_VERIFY_uses_the_pem_files_in_DOCKER_CERT_PATH_and_verifies_the_engine()
    {
        environment["DOCKER_TLS_VERIFY"] = "1";
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, PemFiles);

        var tls = RequireTls(Resolve());

        Assert.AreEqual(new EngineTls(certificates.Path, VerifyServer: true), tls);
        Assert.AreEqual(certificates.Combine("ca.pem"), tls.CaPath);
        Assert.AreEqual(certificates.Combine("cert.pem"), tls.CertificatePath);
        Assert.AreEqual(certificates.Combine("key.pem"), tls.KeyPath);
    }

    [TestMethod]
    public void The_endpoint_itself_is_still_DOCKER_HOST()
    {
        environment["DOCKER_TLS_VERIFY"] = "1";
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, PemFiles);

        var endpoint = Resolve();

        Assert.AreEqual(new DockerEndpoint(new Uri(RemoteHost), "DOCKER_HOST", IsConfigured: true, new EngineTls(certificates.Path, true)), endpoint);
    }

    [TestMethod]
    public void Without_DOCKER_CERT_PATH_the_pem_files_are_in_the_DOCKER_CONFIG_folder()
    {
        environment["DOCKER_TLS_VERIFY"] = "1";
        WritePemFiles(dockerConfig.Path, PemFiles);

        Assert.AreEqual(new EngineTls(dockerConfig.Path, VerifyServer: true), RequireTls(Resolve()));
    }

    [TestMethod]
    public void Without_DOCKER_CERT_PATH_or_DOCKER_CONFIG_the_pem_files_are_in_HOME_dot_docker()
    {
        using var home = new TemporaryDirectory();
        environment.Remove("DOCKER_CONFIG");
        environment["HOME"] = home.Path;
        environment["DOCKER_TLS_VERIFY"] = "1";
        WritePemFiles(home.Combine(".docker"), PemFiles);

        Assert.AreEqual(new EngineTls(home.Combine(".docker"), VerifyServer: true), RequireTls(Resolve()));
    }

    [TestMethod]
    public void An_empty_DOCKER_CERT_PATH_counts_as_unset()
    {
        environment["DOCKER_TLS_VERIFY"] = "1";
        environment["DOCKER_CERT_PATH"] = "";
        WritePemFiles(dockerConfig.Path, PemFiles);

        Assert.AreEqual(new EngineTls(dockerConfig.Path, VerifyServer: true), RequireTls(Resolve()));
    }

    [TestMethod]
    public void Without_DOCKER_TLS_VERIFY_there_is_no_TLS_even_with_DOCKER_CERT_PATH()
    {
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, PemFiles);

        var endpoint = Resolve();

        Assert.IsNotNull(endpoint);
        Assert.IsNull(endpoint.Tls);
    }

    [TestMethod]
    public void An_empty_DOCKER_TLS_VERIFY_counts_as_unset()
    {
        environment["DOCKER_TLS_VERIFY"] = "";
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, PemFiles);

        Assert.IsNull(Resolve()?.Tls);
    }

    [TestMethod]
    public void ContainerDockerHost_takes_the_TLS_variables_too()
    {
        environment.Remove("DOCKER_HOST");
        environment["DOCKER_TLS_VERIFY"] = "1";
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, PemFiles);

        var endpoint = Resolve("tcp://10.0.0.5:2376");

        Assert.AreEqual(new DockerEndpoint(new Uri("tcp://10.0.0.5:2376"), "ContainerDockerHost", IsConfigured: true, new EngineTls(certificates.Path, true)), endpoint);
    }

    [TestMethod]
    public void Missing_pem_files_are_CTZ2008_listing_exactly_the_missing_ones()
    {
        environment["DOCKER_TLS_VERIFY"] = "1";
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, "cert.pem");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ2008", exception.Diagnostic.Code);
        Assert.AreEqual(
            $"The engine needs TLS (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), but {certificates.Combine("ca.pem")}, {certificates.Combine("key.pem")} is missing. "
            + "Put the CA (ca.pem) and the client certificate and key (cert.pem, key.pem) there, or point DOCKER_CERT_PATH at the folder that holds them.",
            exception.Diagnostic.Message);
    }

    [TestMethod]
    public void A_single_missing_pem_file_is_CTZ2008_naming_only_it()
    {
        environment["DOCKER_TLS_VERIFY"] = "1";
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, "ca.pem", "cert.pem");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ2008", exception.Diagnostic.Code);
        Assert.StartsWith($"The engine needs TLS (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH), but {certificates.Combine("key.pem")} is missing. ", exception.Diagnostic.Message);
    }

    // A docker context's TLS material.

    [TestMethod]
    public void A_context_with_TLS_material_uses_its_tls_folder_and_verifies_the_engine()
    {
        UseContext("remote", skipTlsVerify: false);
        WritePemFiles(ContextTlsFolder("remote"), PemFiles);

        var endpoint = Resolve();

        Assert.AreEqual(new DockerEndpoint(new Uri(RemoteHost), "docker context 'remote'", IsConfigured: true, new EngineTls(ContextTlsFolder("remote"), true)), endpoint);
    }

    [TestMethod]
    public void A_context_that_does_not_say_SkipTLSVerify_verifies_the_engine()
    {
        UseContext("remote");
        WritePemFiles(ContextTlsFolder("remote"), PemFiles);

        Assert.IsTrue(RequireTls(Resolve()).VerifyServer);
    }

    [TestMethod]
    public void A_context_with_SkipTLSVerify_does_not_verify_the_engine()
    {
        UseContext("remote", skipTlsVerify: true);
        WritePemFiles(ContextTlsFolder("remote"), PemFiles);

        Assert.AreEqual(new EngineTls(ContextTlsFolder("remote"), VerifyServer: false), RequireTls(Resolve()));
    }

    [TestMethod]
    public void A_context_without_a_tls_folder_has_no_TLS()
    {
        UseContext("remote", skipTlsVerify: false);

        var endpoint = Resolve();

        Assert.AreEqual(new DockerEndpoint(new Uri(RemoteHost), "docker context 'remote'", IsConfigured: true), endpoint);
    }

    [TestMethod]
    public void A_context_ignores_the_TLS_variables()
    {
        UseContext("remote");
        environment["DOCKER_TLS_VERIFY"] = "1";
        environment["DOCKER_CERT_PATH"] = certificates.Path;
        WritePemFiles(certificates.Path, PemFiles);

        Assert.IsNull(Resolve()?.Tls);
    }

    [TestMethod]
    public void The_tls_folder_of_another_context_is_not_used()
    {
        UseContext("remote");
        WritePemFiles(ContextTlsFolder("other"), PemFiles);

        Assert.IsNull(Resolve()?.Tls);
    }

    [TestMethod]
    public void A_context_tls_folder_without_a_key_is_CTZ2008_naming_the_context_and_the_key()
    {
        UseContext("remote");
        WritePemFiles(ContextTlsFolder("remote"), "ca.pem", "cert.pem");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ2008", exception.Diagnostic.Code);
        Assert.StartsWith(
            $"The engine needs TLS (docker context 'remote'), but {Path.Combine(ContextTlsFolder("remote"), "key.pem")} is missing. ",
            exception.Diagnostic.Message);
    }

    [TestMethod]
    public void A_context_with_a_client_certificate_but_no_ca_trusts_the_systems_roots()
    {
        UseContext("remote");
        WritePemFiles(ContextTlsFolder("remote"), "cert.pem", "key.pem");

        Assert.AreEqual(new EngineTls(ContextTlsFolder("remote"), VerifyServer: true), RequireTls(Resolve()));
    }

    [TestMethod]
    public void A_context_with_only_a_ca_still_uses_TLS_and_asks_for_the_client_certificate()
    {
        UseContext("remote");
        WritePemFiles(ContextTlsFolder("remote"), "ca.pem");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Resolve());

        Assert.AreEqual("CTZ2008", exception.Diagnostic.Code);
        Assert.Contains("cert.pem", exception.Diagnostic.Message);
    }
}
