using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Containerize.Sbom;

namespace Containerize.Tests.Unit;

/// <summary>The OS package databases found through an image's layers, with OCI whiteouts, streamed, never extracted.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ImageOsFilesReaderTests
{
    private static string Status(params string[] packages) =>
        string.Join("\n", packages.Select(package => $"Package: {package}\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\n"));

    /// <summary>A layer tar, gzip-compressed or not: entries are (name, content) for files, (name, "-> target") for symbolic links, names ending in '/' for folders.</summary>
    private static LayerSource Layer(string name, bool gzip, params (string Name, string Content)[] entries)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (entryName, content) in entries)
            {
                if (entryName.EndsWith('/'))
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, entryName));
                }
                else if (content.StartsWith("-> ", StringComparison.Ordinal))
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, entryName) { LinkName = content[3..] });
                }
                else
                {
                    writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entryName) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
                }
            }
        }

        var bytes = tar.ToArray();
        if (gzip)
        {
            using var compressed = new MemoryStream();
            using (var zip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write(bytes);
            }

            bytes = compressed.ToArray();
        }

        return Bytes(name, bytes);
    }

    /// <summary>A layer of these bytes, read through a stream that cannot seek, as a registry download is.</summary>
    private static LayerSource Bytes(string name, byte[] bytes) => new(name, () => new PrefixedReadStream(ReadOnlyMemory<byte>.Empty, new MemoryStream(bytes)));

    private static string? Text(byte[]? content) => content is null ? null : Encoding.UTF8.GetString(content);

    private static string StatusDNames(ImageOsFiles files) => string.Join(",", files.DpkgStatusD.Select(file => file.Key));

    private static LayerSource DebianBase() => Layer("sha256:base", gzip: true,
        ("etc/", ""),
        ("etc/os-release", "-> ../usr/lib/os-release"),
        ("usr/lib/os-release", OsPackageDatabaseTests.DebianOsRelease),
        ("./var/lib/dpkg/status", Status("base-files", "libc6")),
        ("var/lib/dpkg/status.d/", ""),
        ("var/lib/dpkg/status.d/libssl3", Status("libssl3")),
        ("var/lib/dpkg/status.d/zlib1g", Status("zlib1g")),
        ("var/lib/dpkg/status.d/zlib1g.md5sums", "d41d8cd98f00b204e9800998ecf8427e  usr/lib/libz.so.1"),
        ("app/ignored.dll", "not kept"));

    [TestMethod]
    public async Task A_later_layer_replaces_a_file_and_a_whiteout_deletes_one_of_the_base()
    {
        var added = Layer("sha256:added", gzip: false,
            ("var/lib/dpkg/status", Status("base-files", "libc6", "curl")),
            ("var/lib/dpkg/status.d/.wh.libssl3", ""));

        var scan = await ImageOsFilesReader.ReadAsync([DebianBase(), added], baseLayerCount: 1, CancellationToken.None);

        Assert.AreEqual(OsPackageDatabaseTests.DebianOsRelease, Text(scan.Final.OsRelease), "etc/os-release is a link to ../usr/lib/os-release.");
        Assert.AreEqual(Status("base-files", "libc6", "curl"), Text(scan.Final.DpkgStatus));
        Assert.AreEqual("zlib1g", StatusDNames(scan.Final));
        Assert.AreEqual(Status("base-files", "libc6"), Text(scan.Base.DpkgStatus));
        Assert.AreEqual("libssl3,zlib1g", StatusDNames(scan.Base), "md5sums files are not package paragraphs.");
        Assert.IsEmpty(scan.Diagnostics);
    }

    [TestMethod]
    public async Task Packages_the_base_image_does_not_have_are_marked_added()
    {
        var added = Layer("sha256:added", gzip: true, ("var/lib/dpkg/status", Status("base-files", "libc6", "curl")));

        var list = OsPackageInventory.Read(await ImageOsFilesReader.ReadAsync([DebianBase(), added], baseLayerCount: 1, CancellationToken.None));

        CollectionAssert.AreEqual(new[]
        {
            "pkg:deb/debian/base-files@1.0?arch=amd64&distro=debian-12 base",
            "pkg:deb/debian/curl@1.0?arch=amd64&distro=debian-12 added",
            "pkg:deb/debian/libc6@1.0?arch=amd64&distro=debian-12 base",
            "pkg:deb/debian/libssl3@1.0?arch=amd64&distro=debian-12 base",
            "pkg:deb/debian/zlib1g@1.0?arch=amd64&distro=debian-12 base",
        }, list.Packages.Select(package => $"{package.Purl} {package.Layer}").ToList());
        Assert.IsEmpty(list.Diagnostics);
    }

    [TestMethod]
    public async Task An_opaque_whiteout_empties_the_folder_of_what_lower_layers_put_there()
    {
        var added = Layer("sha256:added", gzip: true,
            ("var/lib/dpkg/status.d/.wh..wh..opq", ""),
            ("var/lib/dpkg/status.d/ca-certificates", Status("ca-certificates")));

        var scan = await ImageOsFilesReader.ReadAsync([DebianBase(), added], baseLayerCount: 2, CancellationToken.None);

        Assert.AreEqual("ca-certificates", StatusDNames(scan.Final));
        Assert.AreEqual("ca-certificates", StatusDNames(scan.Base), "Both layers are the base image's.");
        Assert.AreEqual(Status("base-files", "libc6"), Text(scan.Final.DpkgStatus), "Outside the folder nothing changes.");
    }

    [TestMethod]
    public async Task A_whiteout_of_a_folder_deletes_everything_under_it()
    {
        var added = Layer("sha256:added", gzip: true, ("var/lib/.wh.dpkg", ""), ("usr/lib/.wh.os-release", ""));

        var scan = await ImageOsFilesReader.ReadAsync([DebianBase(), added], baseLayerCount: 1, CancellationToken.None);

        Assert.IsNull(scan.Final.DpkgStatus);
        Assert.IsEmpty(scan.Final.DpkgStatusD);
        Assert.IsNull(scan.Final.OsRelease, "The link's target is gone.");
        Assert.IsNotNull(scan.Base.DpkgStatus);
    }

    [TestMethod]
    public async Task Alpine_on_a_merged_usr_is_found_through_the_lib_link()
    {
        var layer = Layer("sha256:alpine", gzip: true,
            ("lib", "-> usr/lib"),
            ("usr/lib/apk/db/installed", "P:musl\nV:1.2.5-r0\nA:aarch64\no:musl\n"),
            ("etc/os-release", "ID=alpine\nVERSION_ID=3.22.0\n"));

        var list = OsPackageInventory.Read(await ImageOsFilesReader.ReadAsync([layer], baseLayerCount: 1, CancellationToken.None));

        Assert.AreEqual("pkg:apk/alpine/musl@1.2.5-r0?arch=aarch64&distro=alpine-3.22.0", list.Packages.Single().Purl);
        Assert.AreEqual(OsPackage.BaseLayer, list.Packages.Single().Layer);
    }

    [TestMethod]
    public async Task An_rpm_database_is_seen_not_read_and_becomes_CTZ2032()
    {
        var layer = Layer("sha256:azurelinux", gzip: true,
            ("etc/os-release", "ID=azurelinux\nVERSION_ID=\"3.0\"\n"),
            ("var/lib/rpm/rpmdb.sqlite", "SQLite format 3\0"));

        var scan = await ImageOsFilesReader.ReadAsync([layer], baseLayerCount: 1, CancellationToken.None);
        var list = OsPackageInventory.Read(scan);

        Assert.AreEqual("var/lib/rpm/rpmdb.sqlite", scan.Final.RpmDatabase);
        Assert.IsEmpty(list.Packages);
        Assert.AreEqual("CTZ2032", list.Diagnostics.Single().Code);
        Assert.AreEqual("azurelinux-3.0", list.Release?.Distro);
    }

    [TestMethod]
    public async Task A_zstd_layer_or_a_damaged_one_is_a_CTZ2033_warning_and_the_other_layers_still_count()
    {
        var zstd = Bytes("sha256:zstd", [0x28, 0xB5, 0x2F, 0xFD, 0, 0, 0, 0]);
        var damaged = Bytes("sha256:damaged", [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF, 0x07, 0x12, 0x34]); // a DEFLATE block of the reserved type 11
        var empty = Bytes("sha256:empty", []);

        var scan = await ImageOsFilesReader.ReadAsync([DebianBase(), zstd, damaged, empty], baseLayerCount: 1, CancellationToken.None);

        CollectionAssert.AreEqual(new[] { "CTZ2033", "CTZ2033" }, scan.Diagnostics.Select(diagnostic => diagnostic.Code).ToList());
        StringAssert.Contains(scan.Diagnostics[0].Message, "layer sha256:zstd could not be read for them: it is compressed with zstd, which .NET cannot read.");
        StringAssert.Contains(scan.Diagnostics[1].Message, "layer sha256:damaged could not be read");
        Assert.AreEqual(Status("base-files", "libc6"), Text(scan.Final.DpkgStatus));
    }

    [TestMethod]
    public async Task No_layers_no_files()
    {
        var scan = await ImageOsFilesReader.ReadAsync([], baseLayerCount: 0, CancellationToken.None);

        Assert.AreEqual(ImageOsFiles.None, scan.Base);
        Assert.IsNull(scan.Final.OsRelease);
        Assert.IsEmpty(scan.Final.DpkgStatusD);
    }

    [TestMethod]
    public async Task A_cancelled_read_stops()
    {
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAsync<OperationCanceledException>(() => ImageOsFilesReader.ReadAsync([DebianBase()], 1, cancellation.Token));
    }
}
