using Containerize.Diagnostics;
using Containerize.Sbom;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>The base image's OS files, kept beside the blob cache by the digests of its layers.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class OsScanCacheTests : IDisposable
{
    private static readonly string[] Layers = ["sha256:" + new string('a', 64), "sha256:" + new string('b', 64)];

    private readonly TemporaryDirectory folder = new();

    public void Dispose() => folder.Dispose();

    [TestMethod]
    public void A_scan_kept_for_the_layers_is_found_again_whole()
    {
        var files = new ImageOsFiles("ID=debian\n"u8.ToArray(), "Package: libc6\n"u8.ToArray(), [new("base", "Package: base-files\n"u8.ToArray())], null, "var/lib/rpm/rpmdb.sqlite");
        var scan = new ImageOsScan(files, files, [new Diagnostic("CTZ2033", "a layer could not be read", Severity.Warning)]);
        var cache = new OsScanCache(folder.Path);

        cache.Save(Layers, scan);
        var found = cache.Find(Layers);

        Assert.IsNotNull(found);
        CollectionAssert.AreEqual(files.OsRelease, found.Base.OsRelease);
        CollectionAssert.AreEqual(files.DpkgStatus, found.Final.DpkgStatus);
        Assert.AreEqual("base", found.Base.DpkgStatusD.Single().Key);
        CollectionAssert.AreEqual(files.DpkgStatusD[0].Value, found.Base.DpkgStatusD[0].Value);
        Assert.IsNull(found.Base.ApkInstalled);
        Assert.AreEqual("var/lib/rpm/rpmdb.sqlite", found.Final.RpmDatabase);
        Assert.AreEqual(scan.Diagnostics.Single(), found.Diagnostics.Single());
        Assert.ContainsSingle(Directory.GetFiles(Path.Combine(folder.Path, "os-scans"), "*.json"));
    }

    [TestMethod]
    public void Other_layers_or_another_order_find_nothing()
    {
        var cache = new OsScanCache(folder.Path);
        cache.Save(Layers, new ImageOsScan(ImageOsFiles.None, ImageOsFiles.None, []));

        Assert.IsNull(cache.Find([Layers[1], Layers[0]]));
        Assert.IsNull(cache.Find([Layers[0]]));
        Assert.IsNotNull(cache.Find(Layers));
    }

    [TestMethod]
    public void A_kept_scan_that_cannot_be_read_is_made_again()
    {
        var cache = new OsScanCache(folder.Path);
        cache.Save(Layers, new ImageOsScan(ImageOsFiles.None, ImageOsFiles.None, []));
        File.WriteAllText(Directory.GetFiles(Path.Combine(folder.Path, "os-scans")).Single(), "{ damaged");

        Assert.IsNull(cache.Find(Layers));
    }
}
