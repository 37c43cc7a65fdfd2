using System.Text;
using Containerize.Backends.BuildKit;
using Containerize.Registries;
using Containerize.SessionHost.Protocol;
using Containerize.Tests.Unit.Support;
using Grpc.Core;
using Grpc.Health.V1;

namespace Containerize.Tests.Unit;

/// <summary>
/// The session host, started as the task starts it, called over its socket as BuildKit calls it (gRPC over HTTP/2):
/// the secrets it was given, the credentials it asks the task for, the health check, and its end.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class SessionHostTests
{
    private static readonly Dictionary<string, byte[]> Secrets = new() { ["feed_token"] = Encoding.UTF8.GetBytes("s3cr3t-value") };

    private static RegistryCredentials? Credentials(string host) => host switch
    {
        "registry.example" => new RegistryCredentials("ci", "pa55", null, "a test"),
        "token.example" => new RegistryCredentials("<token>", "", "refresh-token", "a test"),
        _ => null,
    };

    private static async Task<bool> LoggedAsync(RecordingBuildLog log, string line)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            lock (log.Lines)
            {
                if (log.Lines.Contains(line))
                {
                    return true;
                }
            }

            await Task.Delay(50);
        }

        return false;
    }

    [TestMethod]
    public async Task A_declared_secret_is_given_and_its_id_logged_never_its_value()
    {
        var log = new RecordingBuildLog();
        await using var host = await SessionHostProcess.StartAsync(Secrets, context: null, Credentials, log, CancellationToken.None);
        using var channel = SessionHostChannel.To(host.Socket);

        var answer = await new Secrets.SecretsClient(channel).GetSecretAsync(new GetSecretRequest { ID = "feed_token" });

        Assert.AreEqual("s3cr3t-value", answer.Data.ToStringUtf8());
        Assert.IsTrue(await LoggedAsync(log, "BuildKit session: the build read secret 'feed_token'"), string.Join("\n", log.Lines));
        lock (log.Lines)
        {
            Assert.IsFalse(log.Lines.Any(line => line.Contains("s3cr3t-value", StringComparison.Ordinal)));
        }
    }

    [TestMethod]
    public async Task An_undeclared_secret_is_NotFound_as_BuildKit_expects()
    {
        var log = new RecordingBuildLog();
        await using var host = await SessionHostProcess.StartAsync(Secrets, context: null, Credentials, log, CancellationToken.None);
        using var channel = SessionHostChannel.To(host.Socket);

        var refusal = await Assert.ThrowsExactlyAsync<RpcException>(async () => await new Secrets.SecretsClient(channel).GetSecretAsync(new GetSecretRequest { ID = "other" }));

        Assert.AreEqual(StatusCode.NotFound, refusal.StatusCode);
        Assert.IsTrue(await LoggedAsync(log, "BuildKit session: the build asked for secret 'other', which no ContainerBuildSecret item declares"));
    }

    [TestMethod]
    [DataRow("registry.example", "ci", "pa55")]
    [DataRow("token.example", "", "refresh-token")]
    [DataRow("anonymous.example", "", "")]
    public async Task Credentials_are_asked_of_the_task_for_the_host_BuildKit_names(string host, string username, string secret)
    {
        var log = new RecordingBuildLog();
        await using var session = await SessionHostProcess.StartAsync(Secrets, context: null, Credentials, log, CancellationToken.None);
        using var channel = SessionHostChannel.To(session.Socket);

        var answer = await new Auth.AuthClient(channel).CredentialsAsync(new CredentialsRequest { Host = host });

        Assert.AreEqual(username, answer.Username);
        Assert.AreEqual(secret, answer.Secret);
    }

    [TestMethod]
    public async Task The_session_is_healthy_while_it_runs()
    {
        await using var host = await SessionHostProcess.StartAsync(Secrets, context: null, Credentials, new RecordingBuildLog(), CancellationToken.None);
        using var channel = SessionHostChannel.To(host.Socket);

        var health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());

        Assert.AreEqual(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [TestMethod]
    public async Task Ending_the_session_ends_the_host_and_removes_its_socket_folder()
    {
        var host = await SessionHostProcess.StartAsync(Secrets, context: null, Credentials, new RecordingBuildLog(), CancellationToken.None);
        var folder = Path.GetDirectoryName(host.Socket)!;
        Assert.IsTrue(File.Exists(host.Socket));
        if (!OperatingSystem.IsWindows())
        {
            Assert.AreEqual(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder), "only this user can reach the socket");
        }

        await host.DisposeAsync();

        Assert.IsFalse(Directory.Exists(folder));
    }
}
