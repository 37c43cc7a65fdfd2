using Containerize.Diagnostics;
using Containerize.Layers;
using Containerize.Spec;

namespace Containerize.Tests.Unit;

/// <summary>
/// CTZ1071: a ContainerFile item's file where the publish output puts one too is hidden by it (the app's layers come
/// later). Pure: placed files and planned layers in, warnings out.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ShadowedFilesTests
{
    private const string Advice = "the image gets the publish output's file, because the app's layers are copied after the ContainerFile items. "
        + "Remove that file from the publish output (for example CopyToPublishDirectory=\"Never\" on its Content or None item), or give the ContainerFile another Destination.";

    private static PlacedItem File(string source, string destination) => new(
        new FileCopy(source, destination, "", null), destination[..destination.LastIndexOf('/')], IsFolder: false, [new LayerFile(source, destination[(destination.LastIndexOf('/') + 1)..])]);

    private static PlacedItem Folder(string folder, string destination, params string[] files) => new(
        new FileCopy(folder, destination, "", null), destination.TrimEnd('/'), IsFolder: true, files.Select(file => new LayerFile($"{folder}/{file}", file)).ToList());

    /// <summary>A publish output's app layers: each file in the layer its folder's name says (the working directory's).</summary>
    private static IReadOnlyList<Layer> Publish(string folder, params string[] files) =>
        [new Layer(LayerPlanner.App, files.Select(file => new LayerFile($"{folder}/{file}", file)).ToList())];

    [TestMethod]
    public void A_ContainerFile_where_the_publish_output_puts_a_file_is_warned_naming_both()
    {
        var warnings = ShadowedFiles.Find(
            [File("/src/Shop/deploy/appsettings.json", "/app/appsettings.json")],
            [Publish("/src/Shop/bin/publish", "Shop.dll", "appsettings.json")],
            "/app");

        var warning = Assert.ContainsSingle(warnings);
        Assert.AreEqual(("CTZ1071", Severity.Warning), (warning.Code, warning.Severity));
        Assert.AreEqual("ContainerFile '/src/Shop/deploy/appsettings.json' puts a file at /app/appsettings.json, where the publish output also puts one (/src/Shop/bin/publish/appsettings.json): " + Advice, warning.Message);
    }

    [TestMethod]
    public void Each_file_of_a_folder_item_is_looked_at_and_named()
    {
        var warnings = ShadowedFiles.Find(
            [Folder("/src/Shop/overrides", "/app/", "README.md", "wwwroot/site.css")],
            [Publish("/p", "Shop.dll", "wwwroot/site.css")],
            "/app");

        Assert.AreSequenceEqual(
            new[] { "ContainerFile '/src/Shop/overrides' puts its file wwwroot/site.css at /app/wwwroot/site.css, where the publish output also puts one (/p/wwwroot/site.css): " + Advice },
            warnings.Select(warning => warning.Message).ToArray());
    }

    [TestMethod]
    public void Every_per_RID_publish_is_looked_at_and_each_that_has_the_file_is_named_once()
    {
        var warnings = ShadowedFiles.Find(
            [File("/src/config.json", "/app/config.json"), File("/src/native.so", "/app/native.so")],
            [Publish("/p/linux-x64", "config.json", "native.so"), Publish("/p/linux-arm64", "config.json"), Publish("/p/linux-arm64", "config.json")],
            "/app");

        Assert.AreSequenceEqual(
            new[]
            {
                "ContainerFile '/src/config.json' puts a file at /app/config.json, where the publish output also puts one (/p/linux-x64/config.json, /p/linux-arm64/config.json): " + Advice,
                "ContainerFile '/src/native.so' puts a file at /app/native.so, where the publish output also puts one (/p/linux-x64/native.so): " + Advice,
            },
            warnings.Select(warning => warning.Message).ToArray());
    }

    [TestMethod]
    public void Paths_are_compared_as_the_builder_resolves_them_under_the_working_directory()
    {
        var warnings = ShadowedFiles.Find(
            [File("/src/a.json", "/srv/./shop//a.json"), File("/src/b.json", "/srv/shop/sub/../b.json")],
            [Publish("/p", "a.json", "b.json")],
            "/srv/shop/");

        Assert.AreSequenceEqual(new[] { "/srv/shop/a.json", "/srv/shop/b.json" }, warnings.Select(warning => warning.Message.Split(" at ")[1].Split(',')[0]).ToArray());
    }

    [TestMethod]
    public void Files_beside_the_publish_outputs_or_under_another_name_are_no_warning_and_one_item_twice_is_one_warning()
    {
        var twice = File("/src/appsettings.json", "/app/appsettings.json");

        var elsewhere = ShadowedFiles.Find(
            [File("/src/appsettings.json", "/etc/shop/appsettings.json"), File("/src/appsettings.json", "/app/appsettings.Production.json"), File("/src/Shop.dll", "/app/plugins/Shop.dll")],
            [Publish("/p", "Shop.dll", "appsettings.json")],
            "/app");
        var repeated = ShadowedFiles.Find([twice, twice], [Publish("/p", "appsettings.json")], "/app");

        Assert.IsEmpty(elsewhere);
        Assert.HasCount(1, repeated);
    }
}
