using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>The docker credential helper protocol, against shell-script helpers on PATH. Shell scripts: not run on Windows.</summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
public sealed class CredentialHelperTests : IDisposable
{
    private const string Source = "\"credHelpers\" in /home/me/.docker/config.json";

    private readonly FakeCredentialHelpers helpers = new();

    public void Dispose() => helpers.Dispose();

    private static ContainerizeException Fails(string helper, string serverUrl = "ghcr.io") =>
        Assert.ThrowsExactly<ContainerizeException>(() => CredentialHelper.Get(helper, serverUrl, Source));

    [TestMethod]
    public void Ctrl_C_ends_the_wait_for_a_helper_that_does_not_answer_within_a_second_and_the_helper_with_it()
    {
        helpers.AddUnreading("slow", "exec sleep 30\n");
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var run = RunCancellation.Enter(cancellation.Token);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Assert.Throws<OperationCanceledException>(() => CredentialHelper.Get("slow", "ghcr.io", Source));

        Assert.IsLessThan(TimeSpan.FromSeconds(2), watch.Elapsed, "the run stops within about a second of Ctrl+C");
    }

    [TestMethod]
    public void The_helper_is_run_with_the_single_argument_get()
    {
        helpers.Add("test", FakeCredentialHelpers.Answering("""{"ServerURL":"ghcr.io","Username":"me","Secret":"s3cret"}"""));

        CredentialHelper.Get("test", "ghcr.io", Source);

        Assert.AreEqual("get|", helpers.ArgumentsOf("test"));
    }

    [TestMethod]
    public void The_helper_reads_the_server_url_alone_on_its_standard_input()
    {
        helpers.Add("test", FakeCredentialHelpers.Answering("""{"ServerURL":"localhost:5000","Username":"me","Secret":"s3cret"}"""));

        CredentialHelper.Get("test", "localhost:5000", Source);

        Assert.AreEqual("localhost:5000", helpers.InputOf("test"));
    }

    [TestMethod]
    public void Docker_Hub_is_asked_for_by_its_historical_server_url()
    {
        helpers.Add("test", FakeCredentialHelpers.Answering("""{"ServerURL":"https://index.docker.io/v1/","Username":"me","Secret":"s3cret"}"""));

        CredentialHelper.Get("test", RegistryNames.HelperServerUrl(RegistryNames.DockerHub), Source);

        Assert.AreEqual("https://index.docker.io/v1/", helpers.InputOf("test"));
    }

    [TestMethod]
    public void A_user_name_and_secret_are_a_user_name_and_password_from_the_helper()
    {
        helpers.Add("test", FakeCredentialHelpers.Answering("""{"ServerURL":"ghcr.io","Username":"me","Secret":"s3cret"}"""));

        var credentials = CredentialHelper.Get("test", "ghcr.io", Source);

        Assert.AreEqual(new RegistryCredentials("me", "s3cret", null, $"docker-credential-test ({Source})"), credentials);
    }

    [TestMethod]
    public void The_user_name_token_marks_the_secret_as_an_identity_token()
    {
        helpers.Add("test", FakeCredentialHelpers.Answering("""{"ServerURL":"myregistry.azurecr.io","Username":"<token>","Secret":"refresh-token"}"""));

        var credentials = CredentialHelper.Get("test", "myregistry.azurecr.io", Source);

        Assert.AreEqual(new RegistryCredentials("", "", "refresh-token", $"docker-credential-test ({Source})"), credentials);
    }

    [TestMethod]
    public void Credentials_not_found_with_exit_code_1_means_none()
    {
        helpers.Add("test", FakeCredentialHelpers.Failing(1, "credentials not found in native keychain"));

        Assert.IsNull(CredentialHelper.Get("test", "ghcr.io", Source));
    }

    [TestMethod]
    public void Another_failure_is_CTZ3006_naming_the_helper_its_source_and_exit_code()
    {
        helpers.Add("test", FakeCredentialHelpers.Failing(3, "cannot unlock the keyring"));

        var exception = Fails("test");

        Assert.AreEqual("CTZ3006", exception.Diagnostic.Code);
        Assert.AreEqual(
            $"The credential helper docker-credential-test (named by {Source}) failed: it exited with code 3. Install it or fix it, or remove that entry from config.json to push anonymously.",
            exception.Diagnostic.Message);
    }

    [TestMethod]
    public void A_helper_that_exits_before_reading_its_input_is_judged_by_its_exit_code()
    {
        helpers.AddUnreading("early", "echo 'cannot unlock the keyring'\nexit 4\n");

        var exception = Fails("early", serverUrl: new string('x', 1 << 20));

        Assert.AreEqual("CTZ3006", exception.Diagnostic.Code);
        Assert.Contains("it exited with code 4", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void What_a_failing_helper_printed_is_left_out_of_the_message_because_it_may_be_a_secret()
    {
        helpers.Add("test", FakeCredentialHelpers.Failing(2, "{\"Username\":\"me\",\"Secret\":\"s3cret-in-output\"}"));

        var exception = Fails("test");

        Assert.DoesNotContain("s3cret-in-output", exception.Diagnostic.Message);
        Assert.DoesNotContain("s3cret-in-output", exception.ToString());
    }

    [TestMethod]
    [DataRow("not json at all")]
    [DataRow("""{"ServerURL":"ghcr.io","Username":"me"}""")]
    [DataRow("""["me","s3cret"]""")]
    [DataRow("""{"ServerURL":"ghcr.io","Username":42,"Secret":"s3cret"}""")]
    public void An_answer_that_is_not_the_protocols_JSON_object_is_CTZ3006(string answer)
    {
        helpers.Add("test", FakeCredentialHelpers.Answering(answer));

        var exception = Fails("test");

        Assert.AreEqual("CTZ3006", exception.Diagnostic.Code);
        Assert.StartsWith(
            $"The credential helper docker-credential-test (named by {Source}) failed: its answer is not the JSON object of the credential helper protocol.",
            exception.Diagnostic.Message);
    }

    [TestMethod]
    public void A_helper_that_is_not_on_PATH_is_CTZ3006_saying_so()
    {
        var exception = Fails("containerize-test-missing-" + Guid.NewGuid().ToString("N"));

        Assert.AreEqual("CTZ3006", exception.Diagnostic.Code);
        Assert.Contains("failed: it is not on PATH.", exception.Diagnostic.Message);
        Assert.StartsWith("The credential helper docker-credential-containerize-test-missing-", exception.Diagnostic.Message);
    }
}
