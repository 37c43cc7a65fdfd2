using System.Text;
using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// Where the credentials for a registry come from. The environment is the test's own; the docker config is a real file
/// in a temporary folder; credential helpers are shell scripts on PATH (those tests are not run on Windows).
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CredentialResolverTests : IDisposable
{
    private const string PushHost = "ghcr.io";
    private const string BaseHost = "mcr.microsoft.com";

    private const string ContainerizeUser = "CONTAINERIZE_REGISTRY_USERNAME";
    private const string ContainerizePassword = "CONTAINERIZE_REGISTRY_PASSWORD";
    private const string DotnetPushUser = "DOTNET_CONTAINER_PUSH_REGISTRY_UNAME";
    private const string DotnetPushPassword = "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD";
    private const string DotnetUser = "DOTNET_CONTAINER_REGISTRY_UNAME";
    private const string DotnetPassword = "DOTNET_CONTAINER_REGISTRY_PWORD";
    private const string ContainerizePullUser = "CONTAINERIZE_PULL_REGISTRY_USERNAME";
    private const string ContainerizePullPassword = "CONTAINERIZE_PULL_REGISTRY_PASSWORD";
    private const string DotnetPullUser = "DOTNET_CONTAINER_PULL_REGISTRY_UNAME";
    private const string DotnetPullPassword = "DOTNET_CONTAINER_PULL_REGISTRY_PWORD";

    private readonly TemporaryDirectory dockerConfig = new();
    private readonly Dictionary<string, string?> environment = new(StringComparer.Ordinal);
    private readonly List<Diagnostic> diagnostics = [];

    public CredentialResolverTests() => environment["DOCKER_CONFIG"] = dockerConfig.Path;

    public void Dispose() => dockerConfig.Dispose();

    private string ConfigPath => dockerConfig.Combine("config.json");

    [TestMethod]
    public void A_run_resolves_each_registry_and_access_once()
    {
        environment[ContainerizeUser] = "me";
        environment[ContainerizePassword] = "secret";
        var asked = new List<string>();
        var lookup = new Pipeline.CredentialLookup(new CredentialResolver(name => { asked.Add(name); return environment.GetValueOrDefault(name); }), new RecordingBuildLog());

        var push = lookup.Find(PushHost, RegistryAccess.Push, PushHost);
        var askedOnce = asked.Count;
        var again = lookup.Find(PushHost, RegistryAccess.Push, PushHost);

        Assert.AreSame(push, again);
        Assert.AreEqual("me", push!.Username);
        Assert.HasCount(askedOnce, asked, "the push and the attach step after it ask once");
        lookup.Find(BaseHost, RegistryAccess.Pull, PushHost);
        Assert.IsGreaterThan(askedOnce, asked.Count, "another registry is resolved on its own");
    }

    private RegistryCredentials? ResolvePush(string host = PushHost) =>
        new CredentialResolver(name => environment.GetValueOrDefault(name)).Resolve(host, RegistryAccess.Push, host, diagnostics);

    private RegistryCredentials? ResolvePull(string host, string? pushHost = PushHost) =>
        new CredentialResolver(name => environment.GetValueOrDefault(name)).Resolve(host, RegistryAccess.Pull, pushHost, diagnostics);

    private void SetPair(string userVariable, string passwordVariable, string user)
    {
        environment[userVariable] = user;
        environment[passwordVariable] = user + "-password";
    }

    private static RegistryCredentials FromVariables(string userVariable, string passwordVariable, string user) =>
        new(user, user + "-password", null, $"{userVariable} and {passwordVariable}");

    private static string Auth(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password));

    /// <summary>config.json with "auths" entries for these hosts, the user name of each being its host's first label.</summary>
    private void WriteAuths(params string[] hosts) =>
        dockerConfig.WriteFile("config.json", AuthsJson(hosts));

    private static string AuthsJson(params string[] hosts) =>
        "{\"auths\":{" + string.Join(",", hosts.Select(host => $"\"{host}\":{{\"auth\":\"{Auth(host.Split('.')[0], "stored")}\"}}")) + "}}";

    private RegistryCredentials FromAuths(string user, string? configPath = null) =>
        new(user, "stored", null, $"\"auths\" in {configPath ?? ConfigPath}");

    private static void AssertPasswordWarning(string variable, IReadOnlyList<Diagnostic> diagnostics)
    {
        var warning = Assert.ContainsSingle(diagnostics);
        Assert.AreEqual("CTZ3007", warning.Code);
        Assert.AreEqual(Severity.Warning, warning.Severity);
        Assert.StartsWith($"A registry password is set in {variable}. ", warning.Message);
        var instead = variable.Contains("_PULL_") ? "CONTAINERIZE_PULL_REGISTRY" : "CONTAINERIZE_REGISTRY";
        Assert.EndsWith($"Unset it and use {instead}_USERNAME and {instead}_PASSWORD instead.", warning.Message);
    }

    // Push: the order of the sources.

    [TestMethod]
    public void For_a_push_the_CONTAINERIZE_variables_come_first()
    {
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");
        SetPair(DotnetPushUser, DotnetPushPassword, "dotnet-push");
        SetPair(DotnetUser, DotnetPassword, "dotnet");
        WriteAuths(PushHost);

        Assert.AreEqual(FromVariables(ContainerizeUser, ContainerizePassword, "containerize"), ResolvePush());
    }

    [TestMethod]
    public void For_a_push_the_DOTNET_CONTAINER_PUSH_REGISTRY_variables_come_second()
    {
        SetPair(DotnetPushUser, DotnetPushPassword, "dotnet-push");
        SetPair(DotnetUser, DotnetPassword, "dotnet");
        WriteAuths(PushHost);

        Assert.AreEqual(FromVariables(DotnetPushUser, DotnetPushPassword, "dotnet-push"), ResolvePush());
    }

    [TestMethod]
    public void For_a_push_the_DOTNET_CONTAINER_REGISTRY_variables_come_third()
    {
        SetPair(DotnetUser, DotnetPassword, "dotnet");
        WriteAuths(PushHost);

        Assert.AreEqual(FromVariables(DotnetUser, DotnetPassword, "dotnet"), ResolvePush());
    }

    [TestMethod]
    public void For_a_push_the_docker_config_comes_after_the_environment()
    {
        WriteAuths(PushHost);

        Assert.AreEqual(FromAuths("ghcr"), ResolvePush());
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void For_a_push_the_docker_configs_entry_for_another_host_is_not_used()
    {
        WriteAuths("docker.io", BaseHost);

        Assert.IsNull(ResolvePush());
    }

    [TestMethod]
    public void Without_any_docker_config_there_are_no_credentials()
    {
        environment.Clear();

        Assert.IsNull(ResolvePush());
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void A_DOCKER_CONFIG_folder_without_config_json_means_no_credentials() =>
        Assert.IsNull(ResolvePush());

    [TestMethod]
    public void Without_DOCKER_CONFIG_the_config_json_under_HOME_is_read()
    {
        using var home = new TemporaryDirectory();
        var path = home.WriteFile(Path.Combine(".docker", "config.json"), AuthsJson(PushHost));
        environment.Remove("DOCKER_CONFIG");
        environment["HOME"] = home.Path;

        Assert.AreEqual(FromAuths("ghcr", path), ResolvePush());
    }

    [TestMethod]
    public void DOCKER_CONFIG_beats_the_config_json_under_HOME()
    {
        using var home = new TemporaryDirectory();
        home.WriteFile(Path.Combine(".docker", "config.json"), AuthsJson(PushHost).Replace(Auth("ghcr", "stored"), Auth("from-home", "stored"), StringComparison.Ordinal));
        environment["HOME"] = home.Path;
        WriteAuths(PushHost);

        Assert.AreEqual(FromAuths("ghcr"), ResolvePush());
    }

    [TestMethod]
    public void A_DOCKER_CONFIG_folder_without_config_json_hides_the_one_under_HOME()
    {
        using var home = new TemporaryDirectory();
        home.WriteFile(Path.Combine(".docker", "config.json"), AuthsJson(PushHost));
        environment["HOME"] = home.Path;

        Assert.IsNull(ResolvePush());
    }

    // Push: half pairs and warnings.

    [TestMethod]
    [DataRow(ContainerizeUser)]
    [DataRow(ContainerizePassword)]
    public void A_user_name_without_a_password_or_the_reverse_is_not_used(string onlyVariable)
    {
        environment[onlyVariable] = "containerize";
        SetPair(DotnetUser, DotnetPassword, "dotnet");

        Assert.AreEqual(FromVariables(DotnetUser, DotnetPassword, "dotnet"), ResolvePush());
    }

    [TestMethod]
    [DataRow(DotnetPushUser)]
    [DataRow(DotnetPushPassword)]
    public void Half_a_pair_falls_through_to_the_docker_config(string onlyVariable)
    {
        environment[onlyVariable] = "dotnet-push";
        WriteAuths(PushHost);

        Assert.AreEqual(FromAuths("ghcr"), ResolvePush());
        Assert.AreSequenceEqual(onlyVariable == DotnetPushPassword ? new[] { "CTZ3007" } : [], diagnostics.Select(d => d.Code).ToArray(),
            "an unused DOTNET_* password is still logged by MSBuild, so it is still worth the warning");
    }

    [TestMethod]
    public void An_empty_password_counts_as_unset()
    {
        environment[ContainerizeUser] = "containerize";
        environment[ContainerizePassword] = "";

        Assert.IsNull(ResolvePush());
    }

    [TestMethod]
    public void A_password_in_CONTAINERIZE_REGISTRY_PASSWORD_gives_no_warning()
    {
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");

        ResolvePush();

        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    [DataRow(DotnetPushUser, DotnetPushPassword)]
    [DataRow(DotnetUser, DotnetPassword)]
    public void A_password_from_a_DOTNET_variable_gives_the_CTZ3007_warning_naming_it(string userVariable, string passwordVariable)
    {
        SetPair(userVariable, passwordVariable, "dotnet");

        var credentials = ResolvePush();

        Assert.AreEqual(FromVariables(userVariable, passwordVariable, "dotnet"), credentials);
        AssertPasswordWarning(passwordVariable, diagnostics);
    }

    [TestMethod]
    public void The_warning_never_shows_the_password()
    {
        SetPair(DotnetPushUser, DotnetPushPassword, "dotnet");

        ResolvePush();

        Assert.DoesNotContain("dotnet-password", Assert.ContainsSingle(diagnostics).Message);
    }

    // Pull: the base image's registry.

    [TestMethod]
    public void For_a_pull_from_another_host_the_push_variables_are_not_used()
    {
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");
        SetPair(DotnetPushUser, DotnetPushPassword, "dotnet-push");
        SetPair(DotnetUser, DotnetPassword, "dotnet");

        Assert.IsNull(ResolvePull(BaseHost));
        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void For_a_pull_without_a_push_registry_the_push_variables_are_not_used()
    {
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");

        Assert.IsNull(ResolvePull(PushHost, pushHost: null));
    }

    [TestMethod]
    public void For_a_pull_the_CONTAINERIZE_PULL_REGISTRY_variables_come_first()
    {
        SetPair(ContainerizePullUser, ContainerizePullPassword, "containerize-pull");
        SetPair(DotnetPullUser, DotnetPullPassword, "dotnet-pull");
        WriteAuths(BaseHost);

        Assert.AreEqual(FromVariables(ContainerizePullUser, ContainerizePullPassword, "containerize-pull"), ResolvePull(BaseHost));
        Assert.AreSequenceEqual(new[] { $"A registry password is set in {DotnetPullPassword}. " }, diagnostics.Select(d => d.Message[..(d.Message.IndexOf(". ", StringComparison.Ordinal) + 2)]).ToArray(),
            "the unused DOTNET_* password is still warned about");
    }

    [TestMethod]
    public void For_a_pull_the_DOTNET_CONTAINER_PULL_REGISTRY_variables_come_second_with_the_warning()
    {
        SetPair(DotnetPullUser, DotnetPullPassword, "dotnet-pull");
        WriteAuths(BaseHost);

        Assert.AreEqual(FromVariables(DotnetPullUser, DotnetPullPassword, "dotnet-pull"), ResolvePull(BaseHost));
        AssertPasswordWarning(DotnetPullPassword, diagnostics);
    }

    [TestMethod]
    public void For_a_pull_the_docker_config_comes_after_the_pull_variables()
    {
        environment[ContainerizePullUser] = "half";
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");
        WriteAuths(BaseHost, PushHost);

        Assert.AreEqual(FromAuths("mcr"), ResolvePull(BaseHost));
    }

    [TestMethod]
    public void For_a_pull_from_the_push_registrys_own_host_the_push_variables_are_used()
    {
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");
        WriteAuths(PushHost);

        Assert.AreEqual(FromVariables(ContainerizeUser, ContainerizePassword, "containerize"), ResolvePull(PushHost));
    }

    [TestMethod]
    public void For_a_pull_from_the_push_registrys_own_host_the_pull_variables_come_before_the_push_ones()
    {
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");
        SetPair(ContainerizePullUser, ContainerizePullPassword, "containerize-pull");

        Assert.AreEqual(FromVariables(ContainerizePullUser, ContainerizePullPassword, "containerize-pull"), ResolvePull(PushHost));
    }

    [TestMethod]
    public void For_a_push_the_pull_variables_are_not_used()
    {
        SetPair(ContainerizePullUser, ContainerizePullPassword, "containerize-pull");
        SetPair(DotnetPullUser, DotnetPullPassword, "dotnet-pull");

        Assert.IsNull(ResolvePush());
        Assert.IsEmpty(diagnostics);
    }

    // What the credentials say about themselves.

    [TestMethod]
    public void The_text_of_credentials_names_the_user_and_the_source_but_never_the_password()
    {
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");

        var credentials = ResolvePush();
        Assert.IsNotNull(credentials);
        var text = credentials.ToString();

        Assert.AreEqual("credentials for 'containerize' from CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD", text);
        Assert.DoesNotContain("containerize-password", text);
    }

    [TestMethod]
    public void The_text_of_an_identity_token_never_shows_the_token()
    {
        dockerConfig.WriteFile("config.json", """{"auths":{"ghcr.io":{"identitytoken":"refresh-token-value"}}}""");

        var credentials = ResolvePush();
        Assert.IsNotNull(credentials);
        var text = credentials.ToString();

        Assert.AreEqual($"credentials for '' from \"auths\" in {ConfigPath}", text);
        Assert.DoesNotContain("refresh-token-value", text);
    }

    // The docker config's own order: credHelpers[host], credsStore, auths.

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void The_credential_helper_for_the_host_beats_credsStore_and_auths()
    {
        using var helpers = new FakeCredentialHelpers();
        helpers.Add("for-ghcr", FakeCredentialHelpers.Answering("""{"ServerURL":"ghcr.io","Username":"helper","Secret":"from-helper"}"""));
        helpers.Add("store", FakeCredentialHelpers.Answering("""{"ServerURL":"ghcr.io","Username":"store","Secret":"from-store"}"""));
        dockerConfig.WriteFile("config.json", $$$"""{"auths":{"ghcr.io":{"auth":"{{{Auth("ghcr", "stored")}}}"}},"credHelpers":{"ghcr.io":"for-ghcr"},"credsStore":"store"}""");

        var credentials = ResolvePush();

        Assert.AreEqual(new RegistryCredentials("helper", "from-helper", null, $"docker-credential-for-ghcr (\"credHelpers\" in {ConfigPath})"), credentials);
        Assert.IsFalse(helpers.WasRun("store"));
        Assert.AreEqual("ghcr.io", helpers.InputOf("for-ghcr"));
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void A_credential_helper_for_another_host_is_not_asked()
    {
        using var helpers = new FakeCredentialHelpers();
        helpers.Add("for-acr", FakeCredentialHelpers.Answering("""{"ServerURL":"myregistry.azurecr.io","Username":"helper","Secret":"from-helper"}"""));
        dockerConfig.WriteFile("config.json", $$$"""{"auths":{"ghcr.io":{"auth":"{{{Auth("ghcr", "stored")}}}"}},"credHelpers":{"myregistry.azurecr.io":"for-acr"}}""");

        Assert.AreEqual(FromAuths("ghcr"), ResolvePush());
        Assert.IsFalse(helpers.WasRun("for-acr"));
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void CredsStore_beats_auths()
    {
        using var helpers = new FakeCredentialHelpers();
        helpers.Add("store", FakeCredentialHelpers.Answering("""{"ServerURL":"ghcr.io","Username":"store","Secret":"from-store"}"""));
        dockerConfig.WriteFile("config.json", $$$"""{"auths":{"ghcr.io":{"auth":"{{{Auth("ghcr", "stored")}}}"}},"credsStore":"store"}""");

        var credentials = ResolvePush();

        Assert.AreEqual(new RegistryCredentials("store", "from-store", null, $"docker-credential-store (\"credsStore\" in {ConfigPath})"), credentials);
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void When_credsStore_has_nothing_for_the_host_auths_is_used()
    {
        using var helpers = new FakeCredentialHelpers();
        helpers.Add("store", FakeCredentialHelpers.Failing(1, "credentials not found in native keychain"));
        dockerConfig.WriteFile("config.json", $$$"""{"auths":{"ghcr.io":{"auth":"{{{Auth("ghcr", "stored")}}}"}},"credsStore":"store"}""");

        Assert.AreEqual(FromAuths("ghcr"), ResolvePush());
        Assert.IsTrue(helpers.WasRun("store"));
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void The_environment_beats_the_credential_helpers_which_are_not_run()
    {
        using var helpers = new FakeCredentialHelpers();
        helpers.Add("store", FakeCredentialHelpers.Answering("""{"ServerURL":"ghcr.io","Username":"store","Secret":"from-store"}"""));
        dockerConfig.WriteFile("config.json", """{"credHelpers":{"ghcr.io":"store"},"credsStore":"store"}""");
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");

        Assert.AreEqual(FromVariables(ContainerizeUser, ContainerizePassword, "containerize"), ResolvePush());
        Assert.IsFalse(helpers.WasRun("store"));
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void Docker_Hub_is_found_under_its_historical_key_and_asked_for_by_its_historical_url()
    {
        using var helpers = new FakeCredentialHelpers();
        helpers.Add("hub", FakeCredentialHelpers.Answering("""{"ServerURL":"https://index.docker.io/v1/","Username":"hubuser","Secret":"from-hub"}"""));
        dockerConfig.WriteFile("config.json", """{"credHelpers":{"https://index.docker.io/v1/":"hub"}}""");

        var credentials = ResolvePush(RegistryNames.DockerHub);

        Assert.AreEqual(new RegistryCredentials("hubuser", "from-hub", null, $"docker-credential-hub (\"credHelpers\" in {ConfigPath})"), credentials);
        Assert.AreEqual("https://index.docker.io/v1/", helpers.InputOf("hub"));
    }

    [TestMethod]
    [OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
    public void For_a_pull_credsStore_is_asked_about_the_base_images_registry()
    {
        using var helpers = new FakeCredentialHelpers();
        helpers.Add("store", FakeCredentialHelpers.Answering("""{"ServerURL":"mcr.microsoft.com","Username":"store","Secret":"from-store"}"""));
        dockerConfig.WriteFile("config.json", """{"credsStore":"store"}""");
        SetPair(ContainerizeUser, ContainerizePassword, "containerize");

        var credentials = ResolvePull(BaseHost);

        Assert.AreEqual(new RegistryCredentials("store", "from-store", null, $"docker-credential-store (\"credsStore\" in {ConfigPath})"), credentials);
        Assert.AreEqual("mcr.microsoft.com", helpers.InputOf("store"));
    }
}
