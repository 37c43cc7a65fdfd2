using System.Net;
using System.Net.Sockets;
using System.Text;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Tests.Infrastructure;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// The engine backend's docker save (ContainerArchiveOutputPath): written beside the archive and moved into place, so a
/// failure — of the file (CTZ2020) or of the engine (CTZ2001) — leaves nothing under the archive's name, and an
/// archive of an earlier run stays whole. Against a fake engine on a loopback port.
/// </summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
public sealed class EngineArchiveTests : IDisposable
{
    private static readonly byte[] Archive = Enumerable.Range(0, 200_000).Select(index => (byte)(index % 251)).ToArray();

    private readonly TemporaryDirectory work = new();
    private readonly RecordingBuildLog log = new();

    public TestContext TestContext { get; set; } = null!;

    public void Dispose() => work.Dispose();

    private DockerEngineBackend Connect(FakeEngine engine) =>
        DockerEngineBackend.Connect(new DockerEndpoint(engine.Uri, "DOCKER_HOST", IsConfigured: true), log, new RetryPolicy([]));

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task The_archive_is_what_the_engine_sent_and_no_partial_file_is_left()
    {
        using var engine = new FakeEngine(Archive.Length);
        using var backend = Connect(engine);
        var archive = work.Combine("out/image.tar");

        await backend.Images.SaveAsync(["acme/app:1.0"], archive, TestContext.CancellationToken);

        Assert.AreSequenceEqual(Archive, File.ReadAllBytes(archive));
        Assert.AreSequenceEqual(new[] { "image.tar" }, Directory.EnumerateFiles(work.Combine("out")).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task An_archive_that_cannot_be_written_is_CTZ2020_not_an_unexpected_error()
    {
        using var engine = new FakeEngine(Archive.Length);
        using var backend = Connect(engine);
        var blocked = work.WriteFile("blocked", "a file where the archive's folder must be");
        var archive = Path.Combine(blocked, "image.tar");

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => backend.Images.SaveAsync(["acme/app:1.0"], archive, TestContext.CancellationToken));

        Assert.AreEqual($"The image archive {archive} could not be written: The file '{blocked}' already exists. Check that the disk has room and that its folder may be written (ContainerArchiveOutputPath names the archive; the one an engine loads is written in the containerize folder); the next run writes it again.", error.Diagnostic.Message);
        Assert.AreEqual("CTZ2020", error.Diagnostic.Code);
    }

    [TestMethod]
    [Timeout(30_000, CooperativeCancellation = true)]
    public async Task An_engine_that_breaks_off_is_CTZ2001_and_the_archive_of_the_last_run_stays_whole()
    {
        using var engine = new FakeEngine(Archive.Length / 2);
        using var backend = Connect(engine);
        var archive = work.WriteFile("out/image.tar", "the archive of the last run");

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => backend.Images.SaveAsync(["acme/app:1.0"], archive, TestContext.CancellationToken));

        Assert.AreEqual(Errors.EngineUnreachableCode, error.Diagnostic.Code);
        Assert.StartsWith($"The Docker engine at {engine.Uri} (from DOCKER_HOST) did not answer: ", error.Diagnostic.Message);
        Assert.DoesNotContain("..", error.Diagnostic.Message, "the transport's own sentence ends in the error's");
        Assert.AreEqual("the archive of the last run", File.ReadAllText(archive));
        Assert.AreSequenceEqual(new[] { "image.tar" }, Directory.EnumerateFiles(work.Combine("out")).Select(Path.GetFileName).ToArray(), "no partial file");
    }

    /// <summary>
    /// An engine API on 127.0.0.1 over plain HTTP, one request per connection: docker save (GET /images/get) is answered
    /// with the first <c>sent</c> bytes of <see cref="Archive"/>, chunked (and the last chunk when that is all of it), then the connection is closed; any other
    /// request with an empty JSON object.
    /// </summary>
    private sealed class FakeEngine(int sent) : LoopbackServer
    {
        protected override async Task ServeAsync(TcpClient client)
        {
            try
            {
                await AnswerRequestAsync(client.GetStream());
            }
            catch (IOException)
            {
                // The client went away.
            }
        }

        private async Task AnswerRequestAsync(NetworkStream stream)
        {
            var head = await ReadRequestHeadAsync(stream);
            if (head.Split(' ')[1].Split('?')[0].EndsWith("/images/get", StringComparison.Ordinal))
            {
                // As the engine streams it: chunked, the last chunk (size 0) only once the whole archive was sent.
                await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"));
                for (var offset = 0; offset < sent; offset += 32_768)
                {
                    var length = Math.Min(32_768, sent - offset);
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"{length:x}\r\n"));
                    await stream.WriteAsync(Archive.AsMemory(offset, length));
                    await stream.WriteAsync("\r\n"u8.ToArray());
                }

                if (sent == Archive.Length)
                {
                    await stream.WriteAsync("0\r\n\r\n"u8.ToArray());
                }

                return;
            }

            await AnswerAsync(stream, "200 OK", "{}");
        }
    }
}
