using System.Text;
using Containerize.Backends.BuildKit;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class SessionUpgradeTests
{
    [TestMethod]
    [DataRow("HTTP/1.1 101 Switching Protocols", "101 Switching Protocols", true)]
    [DataRow("HTTP/1.1 404 Not Found", "404 Not Found", false)]
    public void TheUpgradeAnswerIsReadFromTheStatusLine(string statusLine, string status, bool offered)
    {
        Assert.AreEqual(status, SessionUpgrade.StatusOf(statusLine));
        Assert.AreEqual(offered, SessionUpgrade.Offered(status));
    }

    [TestMethod]
    public async Task TheRequestNamesTheSessionAndItsMethodsAndTheAnswersHeadIsReadToItsEndOnly()
    {
        var engine = new EngineSide("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\nPRI * HTTP/2.0");

        var status = await SessionUpgrade.RequestAsync(engine, "abc123", ["/moby.buildkit.secrets.v1.Secrets/GetSecret", "/grpc.health.v1.Health/Check"], CancellationToken.None);

        Assert.AreEqual("101 Switching Protocols", status);
        Assert.AreEqual(
            "POST /session HTTP/1.1\r\nHost: docker\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n"
            + "X-Docker-Expose-Session-Uuid: abc123\r\nX-Docker-Expose-Session-Name: containerize\r\nX-Docker-Expose-Session-Sharedkey: abc123\r\n"
            + "X-Docker-Expose-Session-Grpc-Method: /moby.buildkit.secrets.v1.Secrets/GetSecret\r\nX-Docker-Expose-Session-Grpc-Method: /grpc.health.v1.Health/Check\r\n"
            + "Content-Length: 0\r\n\r\n",
            Encoding.ASCII.GetString(engine.Written.ToArray()));
        Assert.AreEqual("PRI * HTTP/2.0", new StreamReader(engine).ReadToEnd(), "the engine's first HTTP/2 bytes are left for the session");
    }

    [TestMethod]
    public async Task AnEngineThatClosesTheConnectionSaysSo() =>
        Assert.AreEqual("nothing (the engine closed the connection)", await SessionUpgrade.RequestAsync(new EngineSide(""), "abc", [], CancellationToken.None));

    /// <summary>An engine connection: reads give the scripted answer, writes are kept.</summary>
    private sealed class EngineSide(string answer) : MemoryStream(Encoding.ASCII.GetBytes(answer))
    {
        public MemoryStream Written { get; } = new();

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Written.WriteAsync(buffer, offset, count, cancellationToken);

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => Written.WriteAsync(buffer, cancellationToken);
    }
}
