using System.Diagnostics;
using Containerize.Diagnostics;
using Containerize.Layers;
using Containerize.Oci;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>Ctrl+C inside the long file work of a run: hashing and compressing a large layer stop within about a second.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class CancellationTests : IDisposable
{
    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    /// <summary>A layer of one file of <paramref name="megabytes"/> MB that does not compress (so compressing it takes seconds).</summary>
    private Layer LargeLayer(int megabytes)
    {
        var path = work.Combine("publish/app.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var random = new Random(11);
        var block = new byte[1 << 20];
        using (var file = File.Create(path))
        {
            for (var i = 0; i < megabytes; i++)
            {
                random.NextBytes(block);
                file.Write(block);
            }
        }

        return new Layer(LayerPlanner.App, [new LayerFile(path, "app.bin")]);
    }

    [TestMethod]
    [Timeout(60_000, CooperativeCancellation = true)]
    public void Cancelling_after_half_a_second_ends_hashing_and_compressing_a_large_layer_within_two_seconds()
    {
        var layer = LargeLayer(160);
        var folder = work.Combine("oci/layers");
        using var cancellation = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var cancelledAt = TimeSpan.Zero;
        cancellation.Token.Register(() => cancelledAt = clock.Elapsed);
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(500));

        Assert.ThrowsExactly<OperationCanceledException>(() =>
        {
            using var run = RunCancellation.Enter(cancellation.Token);
            LayerWriter.WriteOrReuse(layer, "/app", folder, DateTimeOffset.UnixEpoch, MediaTypes.OciLayerGzip);
        });
        var ended = clock.Elapsed;

        Assert.IsLessThan(TimeSpan.FromSeconds(2), ended, $"the run ended {ended.TotalSeconds:0.00} s after it started");
        Assert.IsLessThan(TimeSpan.FromSeconds(1), ended - cancelledAt, $"the run ended {(ended - cancelledAt).TotalSeconds:0.00} s after Ctrl+C");
        Assert.IsEmpty(Directory.Exists(folder) ? Directory.EnumerateFiles(folder).ToList() : [], "nothing is left of the cancelled layer");
    }

    [TestMethod]
    public void A_cancelled_run_stops_writing_a_context_tar_and_an_archive_and_leaves_no_partial_archive()
    {
        work.WriteFile("context/layers/5-app/app.dll", new string('x', 1 << 18));
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();
        using var run = RunCancellation.Enter(cancellation.Token);

        Assert.ThrowsExactly<OperationCanceledException>(() => Containerize.Dockerfile.ContextArchive.Write(work.Combine("context"), Stream.Null, DateTimeOffset.UnixEpoch));
        Assert.ThrowsExactly<OperationCanceledException>(() => Containerize.FileSystem.AtomicFile.Write(work.Combine("out/image.tar"), output => output.Write(new byte[1 << 16])));
        Assert.IsEmpty(Directory.EnumerateFiles(work.Combine("out")).ToList());
    }

    [TestMethod]
    public void A_cancelled_run_stops_hashing_at_the_first_chunk()
    {
        work.WriteFile("publish/app.dll", new string('x', 1 << 18));
        var layer = new Layer(LayerPlanner.App, [new LayerFile(work.Combine("publish/app.dll"), "app.dll")]);
        using var cancellation = new CancellationTokenSource();
        cancellation.Cancel();

        using var run = RunCancellation.Enter(cancellation.Token);
        Assert.ThrowsExactly<OperationCanceledException>(() => LayerContent.Key(layer));
    }
}
