using System.Text;
using Containerize.Backends.BuildKit;
using Containerize.SessionHost;
using Containerize.SessionHost.Protocol;
using Containerize.Tests.Unit.Support;
using Grpc.Core;

namespace Containerize.Tests.Unit;

/// <summary>
/// The build context as a standalone BuildKit daemon reads it from the session host: fsutil's DiffCopy with this side
/// the sender, called over the host's socket as BuildKit's receiver calls it — stats in walk order with Go's file
/// modes, an empty stat, the content of the files asked for in chunks, FIN for FIN; the Dockerfile frontend's follow
/// paths select entries with their folders.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class FileSyncTests : IDisposable
{
    private const uint GoDirectory = 1u << 31;

    private readonly TemporaryDirectory work = new();

    public TestContext TestContext { get; set; } = null!;

    public void Dispose() => work.Dispose();

    private List<ContextEntry> Context(byte[] large)
    {
        File.WriteAllText(work.Combine("Dockerfile"), "FROM scratch\n");
        Directory.CreateDirectory(work.Combine("layers/5-app"));
        File.WriteAllBytes(work.Combine("layers/5-app/app.dll"), large);
        File.WriteAllText(work.Combine("layers/5-app/run.sh"), "#!/bin/sh\n");
        return
        [
            new("Dockerfile", 0b110_100_100, work.Combine("Dockerfile"), 13, 1_000),
            new("layers", 0b111_101_101, null, 0, 0),
            new("layers/5-app", 0b111_101_101, null, 0, 0),
            new("layers/5-app/app.dll", 0b110_100_100, work.Combine("layers/5-app/app.dll"), large.Length, 2_000),
            new("layers/5-app/run.sh", 0b1_111_101_101, work.Combine("layers/5-app/run.sh"), 10, 3_000),
        ];
    }

    /// <summary>Reads stats until the empty one that ends the walk.</summary>
    private static async Task<List<Stat>> StatsAsync(IAsyncStreamReader<Packet> reader, CancellationToken cancellation)
    {
        var stats = new List<Stat>();
        while (await reader.MoveNext(cancellation))
        {
            Assert.AreEqual(Packet.Types.PacketType.PacketStat, reader.Current.Type);
            if (reader.Current.Stat is null)
            {
                return stats;
            }

            stats.Add(reader.Current.Stat);
        }

        throw new AssertFailedException("the walk did not end with an empty stat");
    }

    [TestMethod]
    public async Task The_whole_context_goes_in_walk_order_and_each_file_asked_for_comes_in_chunks()
    {
        var large = Enumerable.Range(0, 100_000).Select(index => (byte)(index % 251)).ToArray();
        await using var host = await SessionHostProcess.StartAsync(new Dictionary<string, byte[]>(), Context(large), _ => null, new RecordingBuildLog(), TestContext.CancellationToken);
        using var channel = SessionHostChannel.To(host.Socket);
        using var call = new FileSync.FileSyncClient(channel).DiffCopy(new Metadata { { "dir-name", "context" } }, cancellationToken: TestContext.CancellationToken);

        var stats = await StatsAsync(call.ResponseStream, TestContext.CancellationToken);

        Assert.AreSequenceEqual(new[] { "Dockerfile", "layers", "layers/5-app", "layers/5-app/app.dll", "layers/5-app/run.sh" }, stats.Select(stat => stat.Path).ToArray());
        Assert.AreSequenceEqual(new uint[] { 0b110_100_100, GoDirectory | 0b111_101_101, GoDirectory | 0b111_101_101, 0b110_100_100, (1u << 20) | 0b111_101_101 },
            stats.Select(stat => stat.Mode).ToArray());
        Assert.AreSequenceEqual(new long[] { 13, 0, 0, 100_000, 10 }, stats.Select(stat => stat.Size).ToArray());
        Assert.AreSequenceEqual(new long[] { 1_000, 0, 0, 2_000, 3_000 }, stats.Select(stat => stat.ModTime).ToArray());
        Assert.IsTrue(stats.All(stat => stat.Uid == 0 && stat.Gid == 0));

        // Files are asked for by their index in the walk (folders count too), as fsutil's receiver does.
        await call.RequestStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketReq, ID = 3 }, TestContext.CancellationToken);
        var received = new List<byte>();
        var chunks = 0;
        while (await call.ResponseStream.MoveNext(TestContext.CancellationToken) && call.ResponseStream.Current.Data.Length > 0)
        {
            Assert.AreEqual(Packet.Types.PacketType.PacketData, call.ResponseStream.Current.Type);
            Assert.AreEqual(3u, call.ResponseStream.Current.ID);
            received.AddRange(call.ResponseStream.Current.Data);
            chunks++;
        }

        Assert.AreEqual(Packet.Types.PacketType.PacketData, call.ResponseStream.Current.Type, "a file ends with an empty data packet");
        CollectionAssert.AreEqual(large, received.ToArray());
        Assert.AreEqual(4, chunks, "32 kB chunks");

        await call.RequestStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketFin }, TestContext.CancellationToken);
        Assert.IsTrue(await call.ResponseStream.MoveNext(TestContext.CancellationToken));
        Assert.AreEqual(Packet.Types.PacketType.PacketFin, call.ResponseStream.Current.Type);
        await call.RequestStream.CompleteAsync();
        Assert.IsFalse(await call.ResponseStream.MoveNext(TestContext.CancellationToken), "the call ends after FIN");
    }

    [TestMethod]
    public async Task The_Dockerfile_frontends_follow_paths_select_the_Dockerfile_alone()
    {
        await using var host = await SessionHostProcess.StartAsync(new Dictionary<string, byte[]>(), Context([1, 2, 3]), _ => null, new RecordingBuildLog(), TestContext.CancellationToken);
        using var channel = SessionHostChannel.To(host.Socket);
        // As BuildKit's frontend asks (ASP.NET Core hands the host one field's values joined with ',').
        var headers = new Metadata { { "dir-name", "dockerfile" }, { "followpaths", "Dockerfile,Dockerfile.dockerignore,dockerfile" } };
        using var call = new FileSync.FileSyncClient(channel).DiffCopy(headers, cancellationToken: TestContext.CancellationToken);

        var stats = await StatsAsync(call.ResponseStream, TestContext.CancellationToken);

        Assert.AreSequenceEqual(new[] { "Dockerfile" }, stats.Select(stat => stat.Path).ToArray());
        await call.RequestStream.WriteAsync(new Packet { Type = Packet.Types.PacketType.PacketReq, ID = 0 }, TestContext.CancellationToken);
        Assert.IsTrue(await call.ResponseStream.MoveNext(TestContext.CancellationToken));
        Assert.AreEqual("FROM scratch\n", call.ResponseStream.Current.Data.ToString(Encoding.UTF8));
    }

    [TestMethod]
    [DataRow("layers/*/run.sh", "layers|layers/5-app|layers/5-app/run.sh")]
    [DataRow("./layers/", "layers|layers/5-app|layers/5-app/app.dll|layers/5-app/run.sh")]
    [DataRow("nothing-here", "")]
    public async Task An_include_pattern_selects_what_it_matches_with_the_folders_that_hold_it(string pattern, string expected)
    {
        await using var host = await SessionHostProcess.StartAsync(new Dictionary<string, byte[]>(), Context([1]), _ => null, new RecordingBuildLog(), TestContext.CancellationToken);
        using var channel = SessionHostChannel.To(host.Socket);
        var headers = new Metadata { { "dir-name", "context" }, { "include-patterns", pattern } };
        using var call = new FileSync.FileSyncClient(channel).DiffCopy(headers, cancellationToken: TestContext.CancellationToken);

        var stats = await StatsAsync(call.ResponseStream, TestContext.CancellationToken);

        Assert.AreEqual(expected, string.Join("|", stats.Select(stat => stat.Path)));
    }

    [TestMethod]
    public async Task A_directory_other_than_the_context_is_NotFound()
    {
        await using var host = await SessionHostProcess.StartAsync(new Dictionary<string, byte[]>(), Context([1]), _ => null, new RecordingBuildLog(), TestContext.CancellationToken);
        using var channel = SessionHostChannel.To(host.Socket);
        using var call = new FileSync.FileSyncClient(channel).DiffCopy(new Metadata { { "dir-name", "ssh-keys" } }, cancellationToken: TestContext.CancellationToken);

        var exception = await Assert.ThrowsExactlyAsync<RpcException>(() => call.ResponseStream.MoveNext(TestContext.CancellationToken));

        Assert.AreEqual(StatusCode.NotFound, exception.StatusCode);
        Assert.AreEqual("no access allowed to dir \"ssh-keys\"", exception.Status.Detail);
    }
}
