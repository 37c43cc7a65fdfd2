using Containerize.Diagnostics;
using Containerize.Registries;

namespace Containerize.Tests.Unit;

/// <summary>What the engine's push error texts mean: whether to try again, and which CTZ error explains them.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class PushFailureTests
{
    private const string Registry = "ghcr.io";
    private const string Reference = "ghcr.io/acme/shop:1.0.0";

    private static readonly RegistryCredentials FromEnvironment =
        new("me", "s3cret", null, "CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD");

    private static Diagnostic Explain(string message, RegistryCredentials? credentials = null, int attempts = 1, string registry = Registry) =>
        PushFailure.Explain(message, registry, Reference, credentials, attempts);

    [TestMethod]
    [DataRow("received unexpected HTTP status: 503 Service Unavailable")]
    [DataRow("received unexpected HTTP status: 500 Internal Server Error")]
    [DataRow("received unexpected HTTP status: 502 Bad Gateway")]
    [DataRow("Get \"http://127.0.0.1:5000/v2/\": EOF")]
    [DataRow("EOF")]
    [DataRow("unexpected EOF")]
    [DataRow("read tcp 172.17.0.1:50412->140.82.112.33:443: read: connection reset by peer")]
    [DataRow("write tcp 172.17.0.1:50412->140.82.112.33:443: write: broken pipe")]
    [DataRow("net/http: TLS handshake timeout")]
    [DataRow("Put \"https://ghcr.io/v2/acme/shop/blobs/uploads/1\": net/http: request canceled (Client.Timeout exceeded while awaiting headers)")]
    [DataRow("toomanyrequests: You have reached your pull rate limit. You may increase the limit by authenticating and upgrading")]
    [DataRow("unknown: unexpected status from HEAD request to http://127.0.0.1:34673/v2/acme/app/blobs/sha256:8fd4: 503 Service Unavailable")]
    public void Connection_resets_server_errors_timeouts_and_rate_limits_are_transient(string message) =>
        Assert.IsTrue(PushFailure.IsTransient(message));

    [TestMethod]
    [DataRow("unauthorized: authentication required")]
    [DataRow("unauthorized: incorrect username or password")]
    [DataRow("denied: requested access to the resource is denied")]
    [DataRow("no basic auth credentials")]
    [DataRow("Get \"https://localhost:5000/v2/\": http: server gave HTTP response to HTTPS client")]
    [DataRow("name unknown: repository name not known to registry")]
    public void Rejections_are_not_transient(string message) =>
        Assert.IsFalse(PushFailure.IsTransient(message));

    [TestMethod]
    [DataRow("unauthorized: authentication required")]
    [DataRow("authentication required")]
    [DataRow("no basic auth credentials")]
    [DataRow("unauthorized: incorrect username or password")]
    public void A_credentials_rejection_of_an_anonymous_push_is_CTZ3001_saying_it_was_anonymous(string message)
    {
        var diagnostic = Explain(message);

        Assert.AreEqual("CTZ3001", diagnostic.Code);
        Assert.AreEqual(Severity.Error, diagnostic.Severity);
        Assert.StartsWith(
            "The registry ghcr.io did not accept a request without credentials (none were found for it in the environment or the docker config). ",
            diagnostic.Message);
    }

    [TestMethod]
    public void A_credentials_rejection_is_CTZ3001_naming_where_the_credentials_came_from_and_how_to_fix_them()
    {
        var diagnostic = Explain("unauthorized: authentication required", FromEnvironment);

        Assert.AreEqual("CTZ3001", diagnostic.Code);
        Assert.AreEqual(
            "The registry ghcr.io did not accept the credentials from CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD. "
            + "Check the user name and password (CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD), or log in with 'docker login ghcr.io' so that config.json or a credential helper holds them.",
            diagnostic.Message);
    }

    [TestMethod]
    public void A_credentials_rejection_never_shows_the_password() =>
        Assert.DoesNotContain("s3cret", Explain("unauthorized: authentication required", FromEnvironment).Message);

    [TestMethod]
    public void A_denied_push_is_CTZ3002_naming_the_credentials_and_the_reference()
    {
        var diagnostic = Explain("denied: requested access to the resource is denied", FromEnvironment);

        Assert.AreEqual("CTZ3002", diagnostic.Code);
        Assert.StartsWith(
            "The registry ghcr.io refused the credentials from CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD access to ghcr.io/acme/shop:1.0.0. ",
            diagnostic.Message);
        Assert.DoesNotContain("s3cret", diagnostic.Message);
    }

    [TestMethod]
    public void A_denied_anonymous_push_is_CTZ3002_saying_it_was_anonymous()
    {
        var diagnostic = Explain("denied: requested access to the resource is denied");

        Assert.AreEqual("CTZ3002", diagnostic.Code);
        Assert.StartsWith("The registry ghcr.io refused a request without credentials (", diagnostic.Message);
    }

    [TestMethod]
    public void A_push_the_containerd_image_store_reports_as_403_is_CTZ3002()
    {
        var diagnostic = Explain("unknown: unexpected status from HEAD request to http://127.0.0.1:42157/v2/acme/denied/blobs/sha256:bd53bd77481f41f6088cba79de4a29fffc58249f96141f6e8cb91833b16c6cae: 403 Forbidden");

        Assert.AreEqual("CTZ3002", diagnostic.Code);
        Assert.IsFalse(PushFailure.IsTransient("unknown: unexpected status from HEAD request to http://127.0.0.1:42157/v2/acme/denied/blobs/sha256:bd53: 403 Forbidden"));
    }

    [TestMethod]
    public void A_plain_HTTP_registry_the_engine_reached_over_HTTPS_is_CTZ3004_naming_the_registry()
    {
        const string message = "Get \"https://registry.lan:5000/v2/\": http: server gave HTTP response to HTTPS client";

        var diagnostic = Explain(message, registry: "registry.lan:5000");

        Assert.AreEqual("CTZ3004", diagnostic.Code);
        Assert.StartsWith($"The engine reached registry.lan:5000 over HTTPS, and the registry answered over plain HTTP ({message}). ", diagnostic.Message);
        Assert.Contains("add registry.lan:5000 there", diagnostic.Message);
    }

    [TestMethod]
    [DataRow("dial tcp 127.0.0.1:5999: connect: connection refused")]
    [DataRow("Get \"https://registry.invalid/v2/\": dial tcp: lookup registry.invalid: no such host")]
    [DataRow("Get \"https://10.0.0.1:5000/v2/\": dial tcp 10.0.0.1:5000: i/o timeout")]
    public void An_unreachable_registry_is_CTZ3003_with_the_engines_reason(string message)
    {
        var diagnostic = Explain(message, registry: "127.0.0.1:5999");

        Assert.AreEqual("CTZ3003", diagnostic.Code);
        Assert.AreEqual($"The registry 127.0.0.1:5999 could not be reached: {message}. Check ContainerRegistry (or ContainerBaseImage), that the registry runs, and that it can be reached from the engine — its own proxy and DNS settings apply.", diagnostic.Message);
    }

    [TestMethod]
    public void Any_other_failure_after_several_attempts_is_CTZ3005_saying_how_many()
    {
        var diagnostic = Explain("received unexpected HTTP status: 503 Service Unavailable", attempts: 4);

        Assert.AreEqual("CTZ3005", diagnostic.Code);
        Assert.AreEqual("The engine could not push ghcr.io/acme/shop:1.0.0 after 4 attempts: received unexpected HTTP status: 503 Service Unavailable.", diagnostic.Message);
    }

    [TestMethod]
    public void Any_other_failure_after_one_attempt_is_CTZ3005_without_a_count()
    {
        var diagnostic = Explain("name unknown: repository name not known to registry", attempts: 1);

        Assert.AreEqual("CTZ3005", diagnostic.Code);
        Assert.AreEqual("The engine could not push ghcr.io/acme/shop:1.0.0: name unknown: repository name not known to registry.", diagnostic.Message);
    }
}
