using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Containerize.Oci;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>A layer as the daemonless backend writes it: a reproducible .tar.gz. Unix file modes: not run on Windows.</summary>
[TestClass]
[TestCategory("Unit")]
[OSCondition(ConditionMode.Exclude, OperatingSystems.Windows)]
public sealed class LayerWriterTests : IDisposable
{
    private const UnixFileMode Mode755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Mode644 = (UnixFileMode)0b110_100_100;

    private static readonly DateTimeOffset FileTime = DateTimeOffset.FromUnixTimeSeconds(1700000000);

    private static readonly string[] PublishedFiles =
    [
        "HelloDocker",
        "HelloDocker.dll",
        "HelloDocker.deps.json",
        "runtimes/linux-x64/native/libe_sqlite3.so",
        "runtimes/linux-arm64/native/libe_sqlite3.so",
        "wwwroot/index.html",
    ];

    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    /// <summary>Writes the published files into a new folder, dated <paramref name="fileTime"/>, the apphost executable, and returns them as a layer.</summary>
    private Layer Published(string folder, DateTime fileTime, params string[] files)
    {
        var list = new List<LayerFile>();
        foreach (var file in files.Length == 0 ? PublishedFiles : files)
        {
            var path = work.WriteFile(Path.Combine(folder, file), "content of " + file);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, file == "HelloDocker" ? Mode755 : Mode644);
            }

            File.SetLastWriteTimeUtc(path, fileTime);
            list.Add(new LayerFile(path, file));
        }

        return new Layer("5-app", list);
    }

    private BuiltLayer Write(Layer layer, string name = "layer.tar.gz", string workingDirectory = "/app") =>
        LayerWriter.Write(layer, workingDirectory, work.Combine(name), FileTime, MediaTypes.OciLayerGzip);

    private static byte[] Decompressed(string path)
    {
        using var file = File.OpenRead(path);
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var tar = new MemoryStream();
        gzip.CopyTo(tar);
        return tar.ToArray();
    }

    private static List<TarEntry> Entries(string path)
    {
        using var reader = new TarReader(new MemoryStream(Decompressed(path)));
        var entries = new List<TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            entries.Add(entry);
        }

        return entries;
    }

    [TestMethod]
    public void Entries_are_in_ordinal_order_whatever_the_case_punctuation_or_script_of_the_names()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("sv-SE");
        try
        {
            var layer = Published("mixed", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), "a.dll", "B.dll", "Ä.txt", "_x.json", "a-b.txt", "Z/1.txt", "ä.txt", "a b.txt");

            var names = Entries(Write(layer).Path).Select(entry => entry.Name).ToList();

            // Ordinal (UTF-16 code units): ' ' < '-' < '.' < '/' < 'B' < 'Z' < '_' < 'a' < 'Ä' < 'ä'; a culture's order would differ.
            Assert.AreSequenceEqual(new[] { "app/", "app/B.dll", "app/Z/", "app/Z/1.txt", "app/_x.json", "app/a b.txt", "app/a-b.txt", "app/a.dll", "app/Ä.txt", "app/ä.txt" }, names.ToArray());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }

    private static string ContentOf(TarEntry entry)
    {
        using var reader = new StreamReader(entry.DataStream!);
        return reader.ReadToEnd();
    }

    private static string Sha256(byte[] content) => "sha256:" + Convert.ToHexString(SHA256.HashData(content)).ToLowerInvariant();

    [TestMethod]
    public void The_same_files_from_other_folders_with_other_times_give_a_byte_identical_layer()
    {
        var first = Write(Published("first", new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc)), "first.tar.gz");
        var second = Write(Published("second", new DateTime(2024, 6, 30, 12, 34, 56, DateTimeKind.Utc)), "second.tar.gz");

        CollectionAssert.AreEqual(File.ReadAllBytes(first.Path), File.ReadAllBytes(second.Path));
        Assert.AreEqual(first.Descriptor, second.Descriptor);
        Assert.AreEqual(first.DiffId, second.DiffId);
    }

    [TestMethod]
    public void Entries_are_every_folder_level_and_the_files_in_ordinal_order()
    {
        var names = Entries(Write(Published("publish", DateTime.UtcNow)).Path).Select(entry => entry.Name).ToArray();

        Assert.AreSequenceEqual(new[]
        {
            "app/",
            "app/HelloDocker",
            "app/HelloDocker.deps.json",
            "app/HelloDocker.dll",
            "app/runtimes/",
            "app/runtimes/linux-arm64/",
            "app/runtimes/linux-arm64/native/",
            "app/runtimes/linux-arm64/native/libe_sqlite3.so",
            "app/runtimes/linux-x64/",
            "app/runtimes/linux-x64/native/",
            "app/runtimes/linux-x64/native/libe_sqlite3.so",
            "app/wwwroot/",
            "app/wwwroot/index.html",
        }, names);
    }

    [TestMethod]
    public void A_nested_working_directory_gets_an_entry_for_each_of_its_levels()
    {
        var names = Entries(Write(Published("publish", DateTime.UtcNow, "Shop.dll"), workingDirectory: "/srv/my shop/").Path).Select(entry => entry.Name).ToArray();

        Assert.AreSequenceEqual(new[] { "srv/", "srv/my shop/", "srv/my shop/Shop.dll" }, names);
    }

    [TestMethod]
    public void The_root_as_working_directory_puts_the_files_at_the_top()
    {
        var names = Entries(Write(Published("publish", DateTime.UtcNow, "Shop.dll", "wwwroot/a.css"), workingDirectory: "/").Path).Select(entry => entry.Name).ToArray();

        Assert.AreSequenceEqual(new[] { "Shop.dll", "wwwroot/", "wwwroot/a.css" }, names);
    }

    [TestMethod]
    public void Every_entry_is_a_gnu_entry_owned_by_root_with_no_names_and_all_three_times_set()
    {
        var entries = Entries(Write(Published("publish", DateTime.UtcNow)).Path);

        foreach (var entry in entries)
        {
            var gnu = (GnuTarEntry)entry;
            Assert.AreEqual(TarEntryFormat.Gnu, gnu.Format, entry.Name);
            Assert.AreEqual(0, gnu.Uid, entry.Name);
            Assert.AreEqual(0, gnu.Gid, entry.Name);
            Assert.AreEqual("", gnu.UserName, entry.Name);
            Assert.AreEqual("", gnu.GroupName, entry.Name);
            Assert.AreEqual(FileTime, gnu.ModificationTime, entry.Name);
            Assert.AreEqual(FileTime, gnu.AccessTime, entry.Name);
            Assert.AreEqual(FileTime, gnu.ChangeTime, entry.Name);
        }
    }

    [TestMethod]
    public void Folders_and_executables_are_0755_other_files_0644()
    {
        var entries = Entries(Write(Published("publish", DateTime.UtcNow)).Path).ToDictionary(entry => entry.Name);

        Assert.AreEqual(TarEntryType.Directory, entries["app/runtimes/"].EntryType);
        Assert.AreEqual(Mode755, entries["app/runtimes/"].Mode);
        Assert.AreEqual(Mode755, entries["app/"].Mode);
        Assert.AreEqual(TarEntryType.RegularFile, entries["app/HelloDocker"].EntryType);
        Assert.AreEqual(Mode755, entries["app/HelloDocker"].Mode);
        Assert.AreEqual(Mode644, entries["app/HelloDocker.dll"].Mode);
        Assert.AreEqual(Mode644, entries["app/wwwroot/index.html"].Mode);
    }

    [TestMethod]
    public void Entries_carry_the_files_content()
    {
        var entries = Entries(Write(Published("publish", DateTime.UtcNow)).Path);

        Assert.AreEqual("content of wwwroot/index.html", ContentOf(entries.Single(entry => entry.Name == "app/wwwroot/index.html")));
        Assert.AreEqual(0, entries.Single(entry => entry.Name == "app/wwwroot/").Length);
    }

    [TestMethod]
    public void A_150_character_path_round_trips_without_a_pax_header()
    {
        var longPath = "runtimes/" + new string('n', 60) + "/" + new string('f', 77) + ".so";
        Assert.AreEqual(150, longPath.Length);

        var built = Write(Published("publish", DateTime.UtcNow, longPath));
        var entries = Entries(built.Path);
        var tar = Encoding.ASCII.GetString(Decompressed(built.Path));

        Assert.AreEqual("app/" + longPath, entries[^1].Name);
        Assert.AreEqual("content of " + longPath, ContentOf(entries[^1]));
        Assert.AreEqual(TarEntryFormat.Gnu, entries[^1].Format);
        Assert.Contains("././@LongLink", tar);
        Assert.DoesNotContain("PaxHeaders", tar);
    }

    [TestMethod]
    public void The_descriptor_has_the_digest_and_size_of_the_file_and_the_diff_id_is_the_digest_of_the_tar()
    {
        var built = Write(Published("publish", DateTime.UtcNow));
        var compressed = File.ReadAllBytes(built.Path);

        Assert.AreEqual(work.Combine("layer.tar.gz"), built.Path);
        Assert.AreEqual(new Descriptor(MediaTypes.OciLayerGzip, Sha256(compressed), compressed.LongLength), built.Descriptor);
        Assert.AreEqual(Sha256(Decompressed(built.Path)), built.DiffId);
    }

    [TestMethod]
    public void The_gzip_header_holds_no_time_no_name_and_no_operating_system()
    {
        var compressed = File.ReadAllBytes(Write(Published("publish", DateTime.UtcNow)).Path);

        CollectionAssert.AreEqual(new byte[] { 0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF }, compressed[..10]);
    }

    [TestMethod]
    public void A_layer_larger_than_a_compression_chunk_round_trips()
    {
        var big = work.Combine("publish/big.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(big)!);
        var content = new byte[300_001];
        new Random(7).NextBytes(content);
        File.WriteAllBytes(big, content);

        var built = LayerWriter.Write(new Layer("2-packages", [new LayerFile(big, "big.bin")]), "/app", work.Combine("big.tar.gz"), FileTime, MediaTypes.DockerLayerGzip);
        using var reader = new TarReader(new MemoryStream(Decompressed(built.Path)));
        reader.GetNextEntry();
        var entry = reader.GetNextEntry(copyData: true)!;
        using var read = new MemoryStream();
        entry.DataStream!.CopyTo(read);

        Assert.AreEqual("app/big.bin", entry.Name);
        CollectionAssert.AreEqual(content, read.ToArray());
        Assert.AreEqual(MediaTypes.DockerLayerGzip, built.Descriptor.MediaType);
    }

    [TestMethod]
    public void Writing_again_replaces_the_layer_and_leaves_nothing_beside_it()
    {
        var first = Write(Published("one", DateTime.UtcNow, "A.dll"));
        var second = Write(Published("two", DateTime.UtcNow, "B.dll"));

        Assert.AreEqual(first.Path, second.Path);
        Assert.AreNotEqual(first.Descriptor.Digest, second.Descriptor.Digest);
        Assert.AreEqual("app/B.dll", Entries(second.Path)[^1].Name);
        Assert.AreSequenceEqual(new[] { "layer.tar.gz" }, Directory.EnumerateFiles(work.Path).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void An_unchanged_layer_is_reused_and_a_changed_one_written_under_another_name()
    {
        var folder = work.Combine("layers");
        var first = LayerWriter.WriteOrReuse(Published("one", DateTime.UtcNow, "A.dll"), "/app", folder, FileTime, MediaTypes.OciLayerGzip);
        File.SetLastWriteTimeUtc(first.Path, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));

        var again = LayerWriter.WriteOrReuse(Published("again", DateTime.UtcNow, "A.dll"), "/app", folder, FileTime, MediaTypes.OciLayerGzip);
        var changed = LayerWriter.WriteOrReuse(Published("changed", DateTime.UtcNow, "B.dll"), "/app", folder, FileTime, MediaTypes.OciLayerGzip);
        var elsewhere = LayerWriter.WriteOrReuse(Published("elsewhere", DateTime.UtcNow, "A.dll"), "/srv", folder, FileTime, MediaTypes.OciLayerGzip);

        Assert.AreEqual(first, again, "the same files, from another folder, make the same layer");
        Assert.AreEqual(new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc), File.GetLastWriteTimeUtc(again.Path), "and it is not written again");
        Assert.AreNotEqual(first.Path, changed.Path);
        Assert.AreNotEqual(first.Path, elsewhere.Path, "the destination is part of what a layer is");
        Assert.AreEqual(Sha256(File.ReadAllBytes(changed.Path)), changed.Descriptor.Digest);

        LayerWriter.RemoveUnused(folder, [changed]);

        Assert.AreSequenceEqual(new[] { Path.GetFileName(changed.Path), Path.GetFileName(changed.Path) + ".json" },
            Directory.EnumerateFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void A_reused_layer_whose_file_was_damaged_is_written_again()
    {
        var folder = work.Combine("layers");
        var first = LayerWriter.WriteOrReuse(Published("one", DateTime.UtcNow, "A.dll"), "/app", folder, FileTime, MediaTypes.OciLayerGzip);
        var damaged = File.ReadAllBytes(first.Path);
        damaged[^9] ^= 0xFF;
        File.WriteAllBytes(first.Path, damaged);

        var again = LayerWriter.WriteOrReuse(Published("again", DateTime.UtcNow, "A.dll"), "/app", folder, FileTime, MediaTypes.OciLayerGzip);

        Assert.AreEqual(first, again);
        Assert.AreEqual(first.Descriptor.Digest, Sha256(File.ReadAllBytes(again.Path)));
    }

    [TestMethod]
    public void A_path_that_climbs_out_of_the_working_directory_is_refused()
    {
        var layer = new Layer("5-app", [new LayerFile(work.WriteFile("x", "x"), "../etc/passwd")]);

        Assert.ThrowsExactly<ArgumentException>(() => Write(layer));
        Assert.IsFalse(File.Exists(work.Combine("layer.tar.gz.partial")));
    }

    [TestMethod]
    public void A_relative_working_directory_is_refused()
    {
        Assert.ThrowsExactly<ArgumentException>(() => Write(Published("publish", DateTime.UtcNow, "A.dll"), workingDirectory: "app"));
    }
}
