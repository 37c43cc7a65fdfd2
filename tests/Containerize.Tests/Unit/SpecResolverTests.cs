using Containerize.Diagnostics;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class SpecResolverTests
{
    private static KeyValuePair<string, string> Pair(string name, string value) => new(name, value);

    [TestMethod]
    [DataRow("HelloDocker", "hello-docker")]
    [DataRow("MyAPI.Server", "my-api.server")]
    [DataRow("Contoso.OrderService", "contoso.order-service")]
    [DataRow("IOStream", "io-stream")]
    [DataRow("App2Go", "app2-go")]
    [DataRow("my_app", "my-app")]
    [DataRow("worker", "worker")]
    [DataRow("Über.Service", "ber.service")]
    [DataRow("ÉclairApp", "clair-app")]
    public void The_repository_defaults_to_the_assembly_name_in_lower_case_kebab_form(string assemblyName, string expected)
    {
        var repository = Resolution.Succeeds(Projects.Console(assemblyName)).Repository;

        Assert.AreEqual(expected, repository);
        Assert.IsTrue(ReferenceRules.IsRepository(repository));
    }

    [TestMethod]
    public void An_explicit_repository_with_a_path_is_kept() =>
        Assert.AreEqual("acme/shop", Resolution.Succeeds(Projects.Console(), new ContainerSettings { Repository = "acme/shop" }).Repository);

    [TestMethod]
    public void The_default_tags_are_the_version_and_latest() =>
        Assert.AreSequenceEqual(new[] { "1.0.0", "latest" }, Resolution.Succeeds(Projects.Console()).Tags);

    [TestMethod]
    public void A_build_suffix_of_the_version_becomes_a_dash_with_a_message()
    {
        var spec = Resolution.Succeeds(Projects.Console() with { Version = "1.2.3+abc" }, null, out var diagnostics);

        Assert.AreSequenceEqual(new[] { "1.2.3-abc", "latest" }, spec.Tags);
        var message = Assert.ContainsSingle(diagnostics);
        Assert.AreEqual(Severity.Message, message.Severity);
        Assert.AreEqual("The version '1.2.3+abc' is not a valid image tag; it is tagged '1.2.3-abc' ('+' becomes '-').", message.Message);
    }

    [TestMethod]
    public void A_plain_version_gives_no_message()
    {
        Resolution.Succeeds(Projects.Console() with { Version = "2.0.0-preview.1" }, null, out var diagnostics);

        Assert.IsEmpty(diagnostics);
    }

    [TestMethod]
    public void ContainerImageTag_replaces_the_default_tags() =>
        Assert.AreSequenceEqual(new[] { "v2" }, Resolution.Succeeds(Projects.Console(), new ContainerSettings { ImageTag = "v2" }).Tags);

    [TestMethod]
    public void ContainerImageTags_is_a_semicolon_separated_list_in_order() =>
        Assert.AreSequenceEqual(new[] { "1.0", "stable", "edge" },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { ImageTags = "1.0;stable; edge ;" }).Tags);

    [TestMethod]
    public void A_tag_listed_twice_is_tagged_once() =>
        Assert.AreSequenceEqual(new[] { "a", "b" }, Resolution.Succeeds(Projects.Console(), new ContainerSettings { ImageTags = "a;b;a" }).Tags);

    [TestMethod]
    public void Setting_both_tag_properties_is_CTZ1005()
    {
        var error = Resolution.FailsWith("CTZ1005", Projects.Console(), new ContainerSettings { ImageTag = "a", ImageTags = "b;c" });

        Assert.Contains("ContainerImageTag and ContainerImageTags are both set", error.Message);
    }

    [TestMethod]
    public void The_references_are_the_repository_with_each_tag_when_no_registry_is_set() =>
        Assert.AreSequenceEqual(new[] { "hello-docker:1.0.0", "hello-docker:latest" }, Resolution.Succeeds(Projects.Console()).References.ToArray());

    [TestMethod]
    public void The_references_start_with_the_registry_and_its_namespace() =>
        Assert.AreSequenceEqual(new[] { "ghcr.io/acme/hello-docker:1.0.0", "ghcr.io/acme/hello-docker:latest" },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { Registry = "ghcr.io/acme/" }).References.ToArray());

    [TestMethod]
    public void A_registry_with_a_port_is_kept() =>
        Assert.AreEqual("localhost:5000", Resolution.Succeeds(Projects.Console(), new ContainerSettings { Registry = "localhost:5000" }).Registry);

    [TestMethod]
    public void The_working_directory_defaults_to_app() =>
        Assert.AreEqual("/app", Resolution.Succeeds(Projects.Console()).WorkingDirectory);

    [TestMethod]
    public void A_trailing_slash_of_the_working_directory_is_dropped() =>
        Assert.AreEqual("/srv/app", Resolution.Succeeds(Projects.Console(), new ContainerSettings { WorkingDirectory = "/srv/app/" }).WorkingDirectory);

    [TestMethod]
    public void The_root_folder_is_a_valid_working_directory()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { WorkingDirectory = "/" });

        Assert.AreEqual("/", spec.WorkingDirectory);
        Assert.AreSequenceEqual(new[] { "dotnet", "/HelloDocker.dll" }, spec.Entrypoint);
    }

    [TestMethod]
    public void The_user_is_unknown_until_the_base_image_is_read() =>
        Assert.IsNull(Resolution.Succeeds(Projects.Console()).User);

    [TestMethod]
    [DataRow("1000")]
    [DataRow("app")]
    [DataRow("1654:1654")]
    [DataRow("root")]
    public void An_explicit_user_is_kept_as_written(string user) =>
        Assert.AreEqual(user, Resolution.Succeeds(Projects.Console(), new ContainerSettings { User = user }).User);

    [TestMethod]
    public void A_console_app_exposes_no_port()
    {
        var spec = Resolution.Succeeds(Projects.Console());

        Assert.IsEmpty(spec.Ports);
        Assert.IsFalse(spec.PortsFromBaseImage);
    }

    [TestMethod]
    public void A_web_app_without_port_items_takes_its_ports_from_the_base_image()
    {
        var spec = Resolution.Succeeds(Projects.Web());

        Assert.IsEmpty(spec.Ports);
        Assert.IsTrue(spec.PortsFromBaseImage);
    }

    [TestMethod]
    public void Port_items_are_tcp_unless_Type_says_otherwise_in_the_order_given()
    {
        var spec = Resolution.Succeeds(Projects.Web(), new ContainerSettings
        {
            Ports = [new("8080", ""), new("5353", "UDP"), new("8443", "tcp"), new("8080", "tcp")],
        });

        Assert.AreSequenceEqual(new ContainerPort[] { new(8080, "tcp"), new(5353, "udp"), new(8443, "tcp") }, spec.Ports);
        Assert.IsFalse(spec.PortsFromBaseImage);
    }

    [TestMethod]
    public void The_same_port_number_may_be_exposed_for_tcp_and_udp() =>
        Assert.AreSequenceEqual(new ContainerPort[] { new(53, "tcp"), new(53, "udp") },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { Ports = [new("53", "tcp"), new("53", "udp")] }).Ports);

    [TestMethod]
    public void Environment_items_come_first_then_the_property_pairs()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            EnvironmentVariables = [Pair("X", "item"), Pair("Y", "2")],
            EnvironmentVariablesProperty = "A=1;B=2",
        });

        Assert.AreSequenceEqual(new[] { Pair("X", "item"), Pair("Y", "2"), Pair("A", "1"), Pair("B", "2") }, spec.Environment);
    }

    [TestMethod]
    public void For_a_repeated_variable_the_last_value_wins_at_the_first_position()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            EnvironmentVariables = [Pair("A", "item"), Pair("C", "3"), Pair("C", "4")],
            EnvironmentVariablesProperty = "B=2;A=property",
        });

        Assert.AreSequenceEqual(new[] { Pair("A", "property"), Pair("C", "4"), Pair("B", "2") }, spec.Environment);
    }

    [TestMethod]
    public void A_property_value_may_hold_equals_signs_and_be_empty() =>
        Assert.AreSequenceEqual(new[] { Pair("URL", "http://x/?a=b"), Pair("EMPTY", "") },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { EnvironmentVariablesProperty = "URL=http://x/?a=b;EMPTY=" }).Environment);

    [TestMethod]
    public void Blank_entries_of_the_property_are_skipped() =>
        Assert.AreSequenceEqual(new[] { Pair("A", "1"), Pair("B", "2") },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { EnvironmentVariablesProperty = "A=1; ;;B=2" }).Environment);

    [TestMethod]
    public void A_console_app_sets_no_environment() =>
        Assert.IsEmpty(Resolution.Succeeds(Projects.Console()).Environment);

    [TestMethod]
    public void Several_configuration_errors_are_all_reported_at_once()
    {
        var diagnostics = new List<Diagnostic>();
        var spec = SpecResolver.Resolve(Projects.Console(), new ContainerSettings
        {
            Repository = "Bad Name",
            ImageTag = "-tag",
            WorkingDirectory = "app",
            Ports = [new("0", "tcp")],
        }, diagnostics);

        Assert.IsNull(spec);
        Assert.AreSequenceEqual(new[] { "CTZ1003", "CTZ1004", "CTZ1007", "CTZ1008" }, diagnostics.Select(d => d.Code).Order(StringComparer.Ordinal).ToArray());
    }

    [TestMethod]
    public void Several_runtime_identifiers_of_a_portable_app_are_kept_in_order_without_repeats() =>
        Assert.AreSequenceEqual(new[] { "linux-x64", "linux-arm64" },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { RuntimeIdentifiers = "linux-x64; linux-arm64;linux-x64" }).RuntimeIdentifiers.ToArray());
}
