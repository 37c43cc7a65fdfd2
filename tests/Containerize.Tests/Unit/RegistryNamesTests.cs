using Containerize.Registries;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class RegistryNamesTests
{
    [TestMethod]
    [DataRow("ghcr.io", "ghcr.io")]
    [DataRow("ghcr.io/acme", "ghcr.io")]
    [DataRow("ghcr.io/acme/team", "ghcr.io")]
    [DataRow("localhost:5000", "localhost:5000")]
    [DataRow("127.0.0.1:5001", "127.0.0.1:5001")]
    [DataRow("[::1]:5000/ns", "[::1]:5000")]
    [DataRow("https://ghcr.io", "ghcr.io")]
    [DataRow("http://localhost:5000/v2/", "localhost:5000")]
    [DataRow("GHCR.io/Acme", "ghcr.io")]
    [DataRow(" ghcr.io ", "ghcr.io")]
    public void Host_is_the_host_and_port_without_scheme_or_path(string registry, string host) =>
        Assert.AreEqual(host, RegistryNames.Host(registry));

    [TestMethod]
    [DataRow("docker.io")]
    [DataRow("index.docker.io")]
    [DataRow("registry-1.docker.io")]
    [DataRow("https://index.docker.io/v1/")]
    [DataRow("docker.io/library")]
    public void Every_name_of_Docker_Hub_is_docker_io(string registry) =>
        Assert.AreEqual("docker.io", RegistryNames.Host(registry));

    [TestMethod]
    [DataRow("localhost")]
    [DataRow("localhost:5000")]
    [DataRow("127.0.0.1")]
    [DataRow("127.0.0.1:5001")]
    [DataRow("127.1.2.3")]
    [DataRow("[::1]")]
    [DataRow("[::1]:5000")]
    public void Loopback_names_are_loopback(string host) =>
        Assert.IsTrue(RegistryNames.IsLoopback(host));

    [TestMethod]
    [DataRow("example.com")]
    [DataRow("example.com:5000")]
    [DataRow("10.0.0.1")]
    [DataRow("10.0.0.1:5000")]
    [DataRow("localhost.example.com")]
    [DataRow("[::2]:5000")]
    [DataRow("ghcr.io")]
    [DataRow("127.example.com")]
    [DataRow("127.example.com:5000")]
    public void Other_hosts_are_not_loopback(string host) =>
        Assert.IsFalse(RegistryNames.IsLoopback(host));

    [TestMethod]
    public void A_credential_helper_is_asked_about_Docker_Hub_by_its_historical_url() =>
        Assert.AreEqual("https://index.docker.io/v1/", RegistryNames.HelperServerUrl("docker.io"));

    [TestMethod]
    [DataRow("ghcr.io")]
    [DataRow("localhost:5000")]
    public void A_credential_helper_is_asked_about_another_registry_by_its_host(string host) =>
        Assert.AreEqual(host, RegistryNames.HelperServerUrl(host));
}
