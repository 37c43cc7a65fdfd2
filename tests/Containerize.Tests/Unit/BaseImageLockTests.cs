using System.Text;
using Containerize.Diagnostics;
using Containerize.Lock;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>containerize.lock.json: the format (compared byte for byte with Golden/Lock/containerize.lock.json), reading it, and writing it only when it changes.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class BaseImageLockTests : IDisposable
{
    private const string Runtime = "mcr.microsoft.com/dotnet/runtime:10.0";
    private const string Scratch = "localhost:5000/ctz-lock-test/base:1";

    private readonly TemporaryDirectory work = new();

    public void Dispose() => work.Dispose();

    private static string Golden => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Golden", "Lock", "containerize.lock.json"));

    private static string Digest(char digit) => "sha256:" + new string(digit, 64);

    /// <summary>The golden file's lock, its entries and platforms given out of order.</summary>
    private static BaseImageLock Sample() => new(new Dictionary<string, LockedBase>
    {
        [Runtime] = new(Digest('a'), new Dictionary<string, string>
        {
            ["linux/arm64/v8"] = Digest('d'),
            ["linux/amd64"] = Digest('b'),
            ["linux/arm/v7"] = Digest('c'),
        }),
        [Scratch] = new(Digest('1'), new Dictionary<string, string> { ["linux/amd64"] = Digest('2') }),
    });

    [TestMethod]
    public void The_lock_is_written_as_the_golden_file_sorted_indented_with_newline_line_ends()
    {
        var json = Sample().ToJson();

        Assert.AreEqual(Golden, json);
        Assert.DoesNotContain("\r", json);
        Assert.EndsWith("}\n", json);
    }

    [TestMethod]
    public void The_golden_file_reads_back_to_the_same_lock_and_the_same_bytes()
    {
        var read = BaseImageLock.Parse(Golden);

        Assert.AreEqual(Digest('a'), read.Bases[Runtime].Digest);
        Assert.AreEqual(Digest('c'), read.Bases[Runtime].Platforms["linux/arm/v7"]);
        Assert.AreEqual(Golden, read.ToJson());
    }

    [TestMethod]
    public void Fields_a_later_writer_adds_are_ignored()
    {
        var json = Golden.Replace("\"version\": 1,", "\"version\": 1, \"comment\": \"x\",").Replace("\"platforms\"", "\"mediaType\": \"application/vnd.oci.image.index.v1+json\", \"platforms\"");

        Assert.AreEqual(Golden, BaseImageLock.Parse(json).ToJson());
    }

    [TestMethod]
    [DataRow("{", "it is not valid JSON")]
    [DataRow("[]", "it is not a JSON object")]
    [DataRow("""{"bases":{}}""", "it has no \"version\" number")]
    [DataRow("""{"version":2,"bases":{}}""", "its version 2 is not the version 1 this Containerize reads")]
    [DataRow("""{"version":1}""", "it has no \"bases\" object")]
    [DataRow("""{"version":1,"bases":{"Not A Reference":{}}}""", "the key is not an image reference")]
    [DataRow("""{"version":1,"bases":{"a/b:1":{"digest":"sha256:12","platforms":{}}}}""", "bases[\"a/b:1\"][\"digest\"] is not a sha256 digest")]
    [DataRow("""{"version":1,"bases":{"a/b:1":{"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111"}}}""", "has no \"platforms\" object")]
    [DataRow("""{"version":1,"bases":{"a/b:1":{"digest":"sha256:1111111111111111111111111111111111111111111111111111111111111111","platforms":{"amd64":"sha256:1111111111111111111111111111111111111111111111111111111111111111"}}}}""", "\"amd64\" is not a platform")]
    public void A_file_that_is_not_a_lock_says_what_is_wrong(string json, string problem)
    {
        var exception = Assert.ThrowsExactly<FormatException>(() => BaseImageLock.Parse(json));

        Assert.Contains(problem, exception.Message);
    }

    [TestMethod]
    public void No_file_is_no_lock()
    {
        Assert.IsNull(BaseImageLockFile.Load(work.Combine("containerize.lock.json")));
        Assert.IsNull(BaseImageLockFile.Load(""));
    }

    [TestMethod]
    public void An_invalid_file_is_CTZ1082_naming_it_and_how_to_write_it_again()
    {
        var path = work.WriteFile("containerize.lock.json", "{ \"version\": 1, ");

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => BaseImageLockFile.Load(path));

        Assert.AreEqual("CTZ1082", exception.Diagnostic.Code);
        Assert.StartsWith($"The base-image lock {path} (ContainerLockFile) cannot be used: it is not valid JSON (", exception.Diagnostic.Message);
        Assert.Contains("Delete it and run 'dotnet build -t:UpdateContainerLock'", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void A_folder_in_the_lock_files_place_is_CTZ1082()
    {
        Directory.CreateDirectory(work.Combine("containerize.lock.json"));

        var exception = Assert.ThrowsExactly<ContainerizeException>(() => BaseImageLockFile.Load(work.Combine("containerize.lock.json")));

        Assert.AreEqual("CTZ1082", exception.Diagnostic.Code);
        Assert.Contains("not a file", exception.Diagnostic.Message);
    }

    [TestMethod]
    public void The_file_is_written_without_a_byte_order_mark_and_not_again_when_nothing_changed()
    {
        var path = work.Combine("containerize.lock.json");

        Assert.IsTrue(BaseImageLockFile.Write(path, Sample()));
        var written = File.GetLastWriteTimeUtc(path);
        File.SetLastWriteTimeUtc(path, written.AddHours(-1));

        Assert.IsFalse(BaseImageLockFile.Write(path, BaseImageLock.Parse(Golden)));
        CollectionAssert.AreEqual(Encoding.UTF8.GetBytes(Golden), File.ReadAllBytes(path));
        Assert.AreEqual(written.AddHours(-1), File.GetLastWriteTimeUtc(path));
    }

    [TestMethod]
    public void A_changed_lock_replaces_the_file()
    {
        var path = work.WriteFile("containerize.lock.json", Golden);
        var moved = new BaseImageLock(new Dictionary<string, LockedBase> { [Scratch] = new(Digest('3'), new Dictionary<string, string> { ["linux/amd64"] = Digest('4') }) });

        Assert.IsTrue(BaseImageLockFile.Write(path, moved));

        Assert.AreEqual(Digest('3'), BaseImageLockFile.Load(path)!.Bases[Scratch].Digest);
        Assert.IsFalse(BaseImageLockFile.Load(path)!.Bases.ContainsKey(Runtime));
    }
}
