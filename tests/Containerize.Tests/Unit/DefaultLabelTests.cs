using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class DefaultLabelTests
{
    private const string Oci = "org.opencontainers.image.";

    private static readonly ProjectFacts Documented = Projects.Console("Shop") with
    {
        Version = "2.1.0",
        Title = "Acme Shop",
        Description = "The shop.",
        Authors = "Ada; Grace",
        Company = "Acme",
        ProjectUrl = "https://acme.example/shop",
        LicenseExpression = "MIT",
        RepositoryUrl = "https://github.com/acme/shop",
        SourceRevisionId = "0123abc",
    };

    private static KeyValuePair<string, string> Label(string name, string value) => new(Oci + name, value);

    private static IReadOnlyList<KeyValuePair<string, string>> LabelsOf(ProjectFacts project, ContainerSettings? settings = null) =>
        Resolution.Succeeds(project, settings).Labels;

    [TestMethod]
    public void Project_metadata_becomes_the_OCI_labels_in_a_fixed_order() =>
        Assert.AreSequenceEqual(new[]
        {
            Label("created", "2023-11-14T22:13:20Z"),
            Label("title", "Acme Shop"),
            Label("description", "The shop."),
            Label("version", "2.1.0"),
            Label("authors", "Ada; Grace"),
            Label("vendor", "Acme"),
            Label("url", "https://acme.example/shop"),
            Label("documentation", "https://acme.example/shop"),
            Label("licenses", "MIT"),
            Label("source", "https://github.com/acme/shop"),
            Label("revision", "0123abc"),
            Label("base.name", "mcr.microsoft.com/dotnet/runtime:10.0"),
        }, LabelsOf(Documented, new ContainerSettings { SourceDateEpoch = "1700000000" }));

    [TestMethod]
    public void A_project_without_metadata_gets_title_version_and_base_name_only() =>
        Assert.AreSequenceEqual(new[]
        {
            Label("title", "HelloDocker"),
            Label("version", "1.0.0"),
            Label("base.name", "mcr.microsoft.com/dotnet/runtime:10.0"),
        }, LabelsOf(Projects.Console()));

    [TestMethod]
    public void The_created_label_is_absent_without_SOURCE_DATE_EPOCH() =>
        Assert.IsFalse(LabelsOf(Documented).Any(label => label.Key == Oci + "created"));

    [TestMethod]
    [DataRow("1700000000", "2023-11-14T22:13:20Z")]
    [DataRow("0", "1970-01-01T00:00:00Z")]
    [DataRow("253402300799", "9999-12-31T23:59:59Z")]
    public void The_created_label_is_SOURCE_DATE_EPOCH_in_UTC(string epoch, string expected) =>
        Assert.AreEqual(expected, LabelsOf(Projects.Console(), new ContainerSettings { SourceDateEpoch = epoch }).First(label => label.Key == Oci + "created").Value);

    [TestMethod]
    [DataRow("created")]
    [DataRow("title")]
    [DataRow("description")]
    [DataRow("version")]
    [DataRow("authors")]
    [DataRow("vendor")]
    [DataRow("url")]
    [DataRow("documentation")]
    [DataRow("licenses")]
    [DataRow("source")]
    [DataRow("revision")]
    [DataRow("base.name")]
    public void Each_default_label_can_be_switched_off_alone(string name)
    {
        var labels = LabelsOf(Documented, new ContainerSettings { SourceDateEpoch = "1700000000", DisabledLabels = [name] });

        Assert.AreSequenceEqual(
            new[] { "created", "title", "description", "version", "authors", "vendor", "url", "documentation", "licenses", "source", "revision", "base.name" }
                .Where(label => label != name).Select(label => Oci + label).ToArray(),
            labels.Select(label => label.Key));
    }

    [TestMethod]
    public void The_base_digest_label_is_wanted_unless_switched_off()
    {
        Assert.IsTrue(Resolution.Succeeds(Documented).LabelBaseDigest);
        Assert.IsFalse(Resolution.Succeeds(Documented, new ContainerSettings { DisabledLabels = ["base.digest"] }).LabelBaseDigest);
    }

    [TestMethod]
    public void GenerateLabels_false_leaves_only_the_users_labels()
    {
        var spec = Resolution.Succeeds(Documented, new ContainerSettings
        {
            GenerateLabels = false,
            SourceDateEpoch = "1700000000",
            Labels = [new("com.example.team", "shop")],
        });

        Assert.AreSequenceEqual(new KeyValuePair<string, string>[] { new("com.example.team", "shop") }, spec.Labels);
        Assert.IsFalse(spec.LabelBaseDigest);
    }

    [TestMethod]
    public void A_users_label_overrides_a_default_label_in_its_place()
    {
        var labels = LabelsOf(Projects.Console(), new ContainerSettings
        {
            Labels = [new("com.example.team", "shop"), new(Oci + "title", "Custom title")],
        });

        Assert.AreSequenceEqual(new[]
        {
            Label("title", "Custom title"),
            Label("version", "1.0.0"),
            Label("base.name", "mcr.microsoft.com/dotnet/runtime:10.0"),
            new KeyValuePair<string, string>("com.example.team", "shop"),
        }, labels);
    }

    [TestMethod]
    public void A_multi_line_description_becomes_one_line() =>
        Assert.AreEqual("First line. Second line. Third line.",
            LabelsOf(Projects.Console() with { Description = "First line.\n  Second line.\r\n\r\n\tThird line.\n" })
                .Single(label => label.Key == Oci + "description").Value);

    [TestMethod]
    public void The_base_name_label_is_the_base_reference_as_written() =>
        Assert.AreEqual("localhost:5000/dotnet/runtime:10.0",
            LabelsOf(Projects.Console(), new ContainerSettings { BaseRegistry = "localhost:5000" }).Single(label => label.Key == Oci + "base.name").Value);

    [TestMethod]
    public void A_label_value_may_be_empty() =>
        Assert.AreEqual("", LabelsOf(Projects.Console(), new ContainerSettings { Labels = [new("com.example.empty", "")] }).Last().Value);
}
