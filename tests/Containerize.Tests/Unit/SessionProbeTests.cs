using Containerize.Backends.BuildKit;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class SessionProbeTests
{
    [TestMethod]
    [DataRow("HTTP/1.1 101 Switching Protocols", "101 Switching Protocols", true)]
    [DataRow("HTTP/1.1 404 Not Found", "404 Not Found", false)]
    public void TheSessionProbeReadsTheStatusLine(string statusLine, string status, bool offered)
    {
        Assert.AreEqual(status, SessionProbe.StatusOf(statusLine));
        Assert.AreEqual(offered, SessionProbe.Offered(status));
    }
}
