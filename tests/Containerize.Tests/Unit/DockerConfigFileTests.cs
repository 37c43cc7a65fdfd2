using System.Text;
using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class DockerConfigFileTests : IDisposable
{
    private readonly TemporaryDirectory dockerConfig = new();
    private readonly Dictionary<string, string?> environment = new(StringComparer.Ordinal);

    public DockerConfigFileTests() => environment["DOCKER_CONFIG"] = dockerConfig.Path;

    public void Dispose() => dockerConfig.Dispose();

    private string ConfigPath => dockerConfig.Combine("config.json");

    private string AuthsSource => $"\"auths\" in {ConfigPath}";

    private DockerConfigFile? Load() => DockerConfigFile.Load(name => environment.GetValueOrDefault(name));

    private DockerConfigFile LoadWritten(string json)
    {
        dockerConfig.WriteFile("config.json", json);
        var config = Load();
        Assert.IsNotNull(config);
        return config;
    }

    private static string Auth(string pair) => Convert.ToBase64String(Encoding.UTF8.GetBytes(pair));

    /// <summary>config.json with one "auths" entry.</summary>
    private static string Auths(string key, string entry) => $"{{\"auths\":{{\"{key}\":{entry}}}}}";

    [TestMethod]
    [DataRow("127.0.0.1:5001", "127.0.0.1:5001")]
    [DataRow("https://ghcr.io", "ghcr.io")]
    [DataRow("http://localhost:5000/v2/", "localhost:5000")]
    [DataRow("https://index.docker.io/v1/", "docker.io")]
    [DataRow("ghcr.io", "ghcr.io")]
    public void An_auths_key_is_found_by_its_host(string key, string host)
    {
        var config = LoadWritten(Auths(key, $$"""{"auth":"{{Auth("me:s3cret")}}"}"""));

        Assert.AreEqual(new RegistryCredentials("me", "s3cret", null, AuthsSource), config.StoredCredentials(host));
    }

    [TestMethod]
    public void The_password_is_everything_after_the_first_colon()
    {
        var config = LoadWritten(Auths("ghcr.io", $$"""{"auth":"{{Auth("me:pa:ss:word")}}"}"""));

        Assert.AreEqual(new RegistryCredentials("me", "pa:ss:word", null, AuthsSource), config.StoredCredentials("ghcr.io"));
    }

    [TestMethod]
    public void An_identity_token_is_kept_with_the_user_name_and_password_of_auth()
    {
        var config = LoadWritten(Auths("myregistry.azurecr.io", $$"""{"auth":"{{Auth("00000000-0000-0000-0000-000000000000:")}}","identitytoken":"refresh-token"}"""));

        Assert.AreEqual(
            new RegistryCredentials("00000000-0000-0000-0000-000000000000", "", "refresh-token", AuthsSource),
            config.StoredCredentials("myregistry.azurecr.io"));
    }

    [TestMethod]
    public void An_identity_token_without_auth_is_used_alone()
    {
        var config = LoadWritten("""{"auths":{"myregistry.azurecr.io":{"identitytoken":"refresh-token"}}}""");

        Assert.AreEqual(new RegistryCredentials("", "", "refresh-token", AuthsSource), config.StoredCredentials("myregistry.azurecr.io"));
    }

    [TestMethod]
    public void An_identity_token_with_an_empty_auth_is_used_alone()
    {
        var config = LoadWritten("""{"auths":{"myregistry.azurecr.io":{"auth":"","identitytoken":"refresh-token"}}}""");

        Assert.AreEqual(new RegistryCredentials("", "", "refresh-token", AuthsSource), config.StoredCredentials("myregistry.azurecr.io"));
    }

    [TestMethod]
    [DataRow("""{"auth":""}""")]
    [DataRow("""{}""")]
    [DataRow("""{"auth":"","identitytoken":""}""")]
    [DataRow("\"not an object\"")]
    public void An_entry_without_credentials_gives_none(string entry)
    {
        var config = LoadWritten(Auths("ghcr.io", entry));

        Assert.IsNull(config.StoredCredentials("ghcr.io"));
    }

    [TestMethod]
    public void A_host_without_an_entry_gives_none()
    {
        var config = LoadWritten(Auths("ghcr.io", $$"""{"auth":"{{Auth("me:s3cret")}}"}"""));

        Assert.IsNull(config.StoredCredentials("docker.io"));
    }

    [TestMethod]
    public void CredHelpers_are_read_by_host()
    {
        var config = LoadWritten("""{"credHelpers":{"https://ghcr.io":"gh","localhost:5000":"pass","myregistry.azurecr.io":"acr-env"}}""");

        Assert.AreSequenceEqual(
            new[] { "ghcr.io=gh", "localhost:5000=pass", "myregistry.azurecr.io=acr-env" },
            config.CredentialHelpers.Select(pair => $"{pair.Key}={pair.Value}").Order(StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void CredsStore_is_read()
    {
        var config = LoadWritten("""{"auths":{"https://index.docker.io/v1/":{}},"credsStore":"desktop"}""");

        Assert.AreEqual("desktop", config.CredentialsStore);
        Assert.IsEmpty(config.CredentialHelpers);
    }

    [TestMethod]
    [DataRow("""{"credsStore":""}""")]
    [DataRow("""{"auths":{}}""")]
    [DataRow("""{"credsStore":null}""")]
    public void An_empty_or_absent_credsStore_is_none(string json) =>
        Assert.IsNull(LoadWritten(json).CredentialsStore);

    [TestMethod]
    public void A_config_that_is_not_an_object_holds_nothing()
    {
        var config = LoadWritten("[]");

        Assert.IsEmpty(config.Auths);
        Assert.IsEmpty(config.CredentialHelpers);
        Assert.IsNull(config.CredentialsStore);
    }

    [TestMethod]
    public void A_config_that_is_not_JSON_is_CTZ3008_naming_its_path()
    {
        dockerConfig.WriteFile("config.json", "{ \"auths\": ");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Load());

        Assert.AreEqual("CTZ3008", exception.Diagnostic.Code);
        Assert.StartsWith($"The docker configuration {ConfigPath} cannot be read: it is not valid JSON (", exception.Diagnostic.Message);
        Assert.EndsWith("). Fix or remove it (docker login writes it anew), or point DOCKER_CONFIG at another folder.", exception.Diagnostic.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void A_config_json_that_is_a_FIFO_is_CTZ3008_and_is_not_opened()
    {
        Fifo.Make(ConfigPath);

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => Load());

        Assert.AreEqual("CTZ3008", exception.Diagnostic.Code);
        Assert.AreEqual($"The docker configuration {ConfigPath} cannot be read: it is a FIFO (named pipe), not a regular file, and is not read (reading it could wait for ever). Fix or remove it (docker login writes it anew), or point DOCKER_CONFIG at another folder.", exception.Diagnostic.Message);
    }

    [TestMethod]
    [Timeout(20_000)]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void A_config_json_that_links_to_a_FIFO_is_CTZ3008_and_one_that_links_to_a_file_is_read()
    {
        var fifo = Fifo.Make(dockerConfig.Combine("pipe"));
        var stored = dockerConfig.WriteFile("dotfiles/config.json", Auths("ghcr.io", $"{{\"auth\":\"{Auth("me:secret")}\"}}"));
        File.CreateSymbolicLink(ConfigPath, fifo);

        var toFifo = Assert.ThrowsExactly<ContainerizeException>(() => Load());
        File.Delete(ConfigPath);
        File.CreateSymbolicLink(ConfigPath, stored);
        var toFile = Load();

        Assert.StartsWith($"The docker configuration {ConfigPath} cannot be read: it is a FIFO (named pipe), not a regular file", toFifo.Diagnostic.Message);
        Assert.AreEqual("me", toFile?.StoredCredentials("ghcr.io")?.Username);
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void A_config_json_that_links_nowhere_is_no_file()
    {
        File.CreateSymbolicLink(ConfigPath, dockerConfig.Combine("gone.json"));

        Assert.IsNull(Load());
    }

    [TestMethod]
    public void The_file_is_config_json_in_DOCKER_CONFIG() =>
        Assert.AreEqual(ConfigPath, LoadWritten("{}").Path);

    [TestMethod]
    public void The_file_is_config_json_in_HOME_dot_docker_without_DOCKER_CONFIG()
    {
        using var home = new TemporaryDirectory();
        var path = home.WriteFile(Path.Combine(".docker", "config.json"), "{}");
        environment.Remove("DOCKER_CONFIG");
        environment["HOME"] = home.Path;

        Assert.AreEqual(path, Load()?.Path);
    }

    [TestMethod]
    public void A_folder_without_config_json_is_no_config() =>
        Assert.IsNull(Load());

    [TestMethod]
    public void Without_DOCKER_CONFIG_or_HOME_there_is_no_config()
    {
        environment.Clear();

        Assert.IsNull(Load());
    }

    [TestMethod]
    public void Two_keys_for_one_host_are_read_and_the_exact_host_key_wins()
    {
        var config = LoadWritten($"{{\"auths\":{{\"https://ghcr.io\":{{\"auth\":\"{Auth("url:one")}\"}},\"ghcr.io\":{{\"auth\":\"{Auth("host:two")}\"}}}},\"credHelpers\":{{\"GHCR.io\":\"a\",\"ghcr.io\":\"b\"}}}}");

        Assert.AreEqual(new RegistryCredentials("host", "two", null, AuthsSource), config.StoredCredentials("ghcr.io"));
        Assert.AreEqual("b", config.CredentialHelpers["ghcr.io"]);
    }

    [TestMethod]
    public void An_auth_that_is_not_base64_is_CTZ3008_naming_the_host()
    {
        var config = LoadWritten(Auths("ghcr.io", "{\"auth\":\"not base64!\"}"));

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => config.StoredCredentials("ghcr.io"));

        Assert.AreEqual("CTZ3008", exception.Diagnostic.Code);
        Assert.StartsWith($"The docker configuration {ConfigPath} cannot be read: the \"auth\" of ghcr.io is not base64.", exception.Diagnostic.Message);
    }
}
