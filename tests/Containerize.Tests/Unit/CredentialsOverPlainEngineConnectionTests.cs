using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.Tests.Infrastructure;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// CTZ3009: the engine backend warns when registry credentials go to an engine reached without TLS (tcp://), where
/// they travel in the push request's X-Registry-Auth header. Against a fake engine on a loopback port that answers a
/// push as an engine does.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CredentialsOverPlainEngineConnectionTests
{
    private const string PushedDigest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly RegistryCredentials Credentials = new("ctzuser", "s3cret-Passw0rd", null, "CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD");

    private readonly RecordingBuildLog log = new();

    [TestMethod]
    public async Task A_push_with_credentials_to_an_engine_over_plain_tcp_warns_CTZ3009_naming_the_endpoint()
    {
        using var engine = new FakeEngine();
        using var backend = DockerEngineBackend.Connect(new DockerEndpoint(engine.Uri, "DOCKER_HOST", IsConfigured: true), log, RetryPolicy.Default);

        var digest = await backend.Images.PushAsync("registry.example/acme/app:1.0", Credentials, CancellationToken.None);

        Assert.AreEqual(PushedDigest, digest);
        var warning = log.Diagnostics.Single();
        Assert.AreEqual(("CTZ3009", Severity.Warning), (warning.Code, warning.Severity));
        Assert.AreEqual(
            $"Registry credentials go to the engine at {engine.Uri} over a connection without TLS, where anyone on the network path can read them. Use the engine's socket, or TLS (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH).",
            warning.Message);
        Assert.DoesNotContain(Credentials.Password, warning.Message);
        // What the warning is about: the password crossed the connection in the clear.
        var auth = engine.PushAuthorization ?? throw new AssertFailedException("the push carried no X-Registry-Auth header");
        using var config = JsonDocument.Parse(Convert.FromBase64String(auth.Replace('-', '+').Replace('_', '/').PadRight((auth.Length + 3) / 4 * 4, '=')));
        Assert.AreEqual(Credentials.Password, config.RootElement.GetProperty("password").GetString());
    }

    [TestMethod]
    public async Task An_anonymous_push_over_plain_tcp_does_not_warn()
    {
        using var engine = new FakeEngine();
        using var backend = DockerEngineBackend.Connect(new DockerEndpoint(engine.Uri, "DOCKER_HOST", IsConfigured: true), log, RetryPolicy.Default);

        await backend.Images.PushAsync("registry.example/acme/app:1.0", null, CancellationToken.None);

        Assert.IsEmpty(log.Diagnostics);
    }

    /// <summary>
    /// An engine API on 127.0.0.1 over plain HTTP, one request per connection: a push is answered with the engine's
    /// progress stream ending in the digest; any other request (a version check) with an empty JSON object.
    /// </summary>
    private sealed class FakeEngine : LoopbackServer
    {
        public string? PushAuthorization { get; private set; }

        protected override async Task ServeAsync(TcpClient client)
        {
            // The request line and headers; the requests of these tests have no body.
            var stream = client.GetStream();
            var lines = (await ReadRequestHeadAsync(stream)).Split("\r\n");
            var push = lines[0].StartsWith("POST ", StringComparison.Ordinal) && lines[0].Split(' ')[1].Split('?')[0].EndsWith("/push", StringComparison.Ordinal);
            if (push)
            {
                PushAuthorization = lines.Skip(1).Select(line => line.Split(':', 2))
                    .Where(parts => parts.Length == 2 && parts[0].Trim().Equals("X-Registry-Auth", StringComparison.OrdinalIgnoreCase))
                    .Select(parts => parts[1].Trim()).FirstOrDefault();
            }

            var body = push
                ? $$$"""
                    {"status":"The push refers to repository [registry.example/acme/app]"}
                    {"status":"1.0: digest: {{{PushedDigest}}} size: 527"}
                    {"progressDetail":{},"aux":{"Tag":"1.0","Digest":"{{{PushedDigest}}}","Size":527}}

                    """
                : "{}";
            await AnswerAsync(stream, "200 OK", body);
        }
    }
}
