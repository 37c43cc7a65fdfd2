using System.Text;
using System.Text.Json.Nodes;
using Containerize.Oci;
using Containerize.Spec;

namespace Containerize.Tests.Unit;

/// <summary>The image config of the daemonless backend: the base's config with the spec applied as a Dockerfile would.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class ImageConfigWriterTests
{
    private const string BaseConfig = """
        {
          "architecture": "arm64",
          "variant": "v8",
          "os": "linux",
          "author": "someone",
          "container": "3f2c9e1a",
          "docker_version": "20.10.24",
          "created": "2025-11-04T10:20:30.123456789Z",
          "config": {
            "Hostname": "buildkitsandbox",
            "User": "",
            "Env": ["PATH=/usr/local/sbin:/usr/bin", "APP_UID=1654", "ASPNETCORE_HTTP_PORTS=8080", "DOTNET_RUNNING_IN_CONTAINER=true"],
            "ExposedPorts": {"8080/tcp": {}},
            "Cmd": ["bash"],
            "WorkingDir": "/",
            "Labels": {"org.opencontainers.image.version": "24.04", "vendor": "base"},
            "StopSignal": "SIGTERM",
            "OnBuild": ["RUN echo"]
          },
          "rootfs": {"type": "layers", "diff_ids": ["sha256:1111111111111111111111111111111111111111111111111111111111111111"]},
          "history": [{"created": "2025-11-04T10:20:30Z", "created_by": "/bin/sh -c #(nop) ADD file:abc in / "}]
        }
        """;

    private static readonly BuiltLayer AppHostLayer = Built("4-apphost", '4');
    private static readonly BuiltLayer AppLayer = Built("5-app", '5');

    private static BuiltLayer Built(string name, char digit) =>
        new("/tmp/" + name + ".tar.gz", new Descriptor(MediaTypes.OciLayerGzip, "sha256:" + new string(digit, 64), 100), "sha256:" + new string((char)(digit + 1), 64));

    private static ContainerSpec Spec() => new()
    {
        BaseImage = ImageReference.TryParse("localhost:5000/dotnet/aspnet:10.0")!,
        Repository = "shop",
        Tags = ["1.0.0"],
        WorkingDirectory = "/app",
        User = "1654",
        Ports = [new ContainerPort(9090, "udp")],
        Environment = [new("ASPNETCORE_HTTP_PORTS", "9090"), new("SHOP_MODE", "fast"), new("APP_UID", "1654")],
        Labels = [new("vendor", "acme"), new("org.opencontainers.image.title", "Shop")],
        Entrypoint = ["dotnet", "/app/Shop.dll"],
        Cmd = [],
        Layers = [new Layer("4-apphost", []), new Layer("5-app", [])],
    };

    private static JsonObject Written(ContainerSpec spec, string baseConfig = BaseConfig) =>
        JsonNode.Parse(ImageConfigWriter.Write(JsonNode.Parse(baseConfig)!.AsObject(), spec, [AppHostLayer, AppLayer], DateTimeOffset.UnixEpoch))!.AsObject();

    private static JsonObject Config(ContainerSpec spec, string baseConfig = BaseConfig) => Written(spec, baseConfig)["config"]!.AsObject();

    private static string[] Strings(JsonNode? array) => array!.AsArray().Select(item => item!.GetValue<string>()).ToArray();

    [TestMethod]
    public void An_image_from_scratch_gives_exactly_this_compact_json()
    {
        var spec = Spec() with { Ports = [], Environment = [], Labels = [], Cmd = ["--urls", "http://+:9090"], Layers = [new Layer("5-app", [])] };

        var bytes = ImageConfigWriter.Write(JsonNode.Parse("""{"architecture":"amd64","os":"linux","config":{},"rootfs":{"type":"layers","diff_ids":[]}}""")!.AsObject(),
            spec, [AppLayer], DateTimeOffset.UnixEpoch);

        Assert.AreEqual(
            "{\"created\":\"1970-01-01T00:00:00Z\",\"architecture\":\"amd64\",\"os\":\"linux\"," +
            "\"config\":{\"User\":\"1654\",\"Entrypoint\":[\"dotnet\",\"/app/Shop.dll\"],\"Cmd\":[\"--urls\",\"http://+:9090\"],\"WorkingDir\":\"/app\"}," +
            "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:" + new string('6', 64) + "\"]}," +
            "\"history\":[{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"COPY layers/5-app/ /app/ # containerize\",\"comment\":\"containerize\"}]}",
            Encoding.UTF8.GetString(bytes));
    }

    [TestMethod]
    public void Writing_twice_gives_the_same_bytes()
    {
        var baseConfig = JsonNode.Parse(BaseConfig)!.AsObject();

        CollectionAssert.AreEqual(
            ImageConfigWriter.Write(baseConfig, Spec(), [AppHostLayer, AppLayer], DateTimeOffset.UnixEpoch),
            ImageConfigWriter.Write(baseConfig, Spec(), [AppHostLayer, AppLayer], DateTimeOffset.UnixEpoch));
    }

    [TestMethod]
    public void Keys_come_in_a_fixed_order_whatever_the_order_of_the_base()
    {
        var image = Written(Spec());

        Assert.AreSequenceEqual(new[] { "created", "architecture", "os", "variant", "config", "rootfs", "history" }, image.Select(pair => pair.Key).ToArray());
        Assert.AreSequenceEqual(new[] { "User", "ExposedPorts", "Env", "Entrypoint", "WorkingDir", "Labels", "StopSignal" },
            image["config"]!.AsObject().Select(pair => pair.Key).ToArray());
    }

    [TestMethod]
    public void The_base_platform_is_kept_and_nothing_of_the_machine_it_was_built_on()
    {
        var image = Written(Spec());

        Assert.AreEqual("arm64", image["architecture"]!.GetValue<string>());
        Assert.AreEqual("v8", image["variant"]!.GetValue<string>());
        Assert.AreEqual("linux", image["os"]!.GetValue<string>());
        Assert.IsFalse(image.ContainsKey("container"));
        Assert.IsFalse(image.ContainsKey("docker_version"));
        Assert.IsFalse(image.ContainsKey("author"));
        Assert.IsFalse(image["config"]!.AsObject().ContainsKey("Hostname"));
        Assert.IsFalse(image["config"]!.AsObject().ContainsKey("OnBuild"));
        Assert.AreEqual("SIGTERM", image["config"]!["StopSignal"]!.GetValue<string>());
    }

    [TestMethod]
    public void Created_is_the_given_time_in_rfc3339_utc()
    {
        Assert.AreEqual("1970-01-01T00:00:00Z", Written(Spec())["created"]!.GetValue<string>());
        Assert.AreEqual("2023-11-14T22:13:20Z", ImageConfigWriter.Rfc3339(new DateTimeOffset(2023, 11, 15, 0, 13, 20, TimeSpan.FromHours(2))));
        Assert.AreEqual("2023-11-14T22:13:20.5Z", ImageConfigWriter.Rfc3339(DateTimeOffset.FromUnixTimeMilliseconds(1700000000500)));
    }

    [TestMethod]
    public void Env_replaces_base_variables_in_place_and_appends_new_ones_in_spec_order()
    {
        Assert.AreSequenceEqual(new[]
        {
            "PATH=/usr/local/sbin:/usr/bin",
            "APP_UID=1654",
            "ASPNETCORE_HTTP_PORTS=9090",
            "DOTNET_RUNNING_IN_CONTAINER=true",
            "SHOP_MODE=fast",
        }, Strings(Config(Spec())["Env"]));
    }

    [TestMethod]
    public void Labels_are_the_base_labels_and_the_spec_labels_with_the_spec_winning_by_key()
    {
        var labels = Config(Spec())["Labels"]!.AsObject();

        Assert.AreSequenceEqual(new[] { "org.opencontainers.image.title=Shop", "org.opencontainers.image.version=24.04", "vendor=acme" },
            labels.Select(pair => pair.Key + "=" + pair.Value!.GetValue<string>()).ToArray());
    }

    [TestMethod]
    public void Exposed_ports_are_the_base_ports_and_the_spec_ports()
    {
        var ports = Config(Spec())["ExposedPorts"]!.AsObject();

        Assert.AreSequenceEqual(new[] { "8080/tcp", "9090/udp" }, ports.Select(pair => pair.Key).ToArray());
        Assert.AreEqual("{}", ports["9090/udp"]!.ToJsonString());
    }

    [TestMethod]
    public void User_and_working_directory_come_from_the_spec()
    {
        var config = Config(Spec() with { User = "app", WorkingDirectory = "/srv/shop" });

        Assert.AreEqual("app", config["User"]!.GetValue<string>());
        Assert.AreEqual("/srv/shop", config["WorkingDir"]!.GetValue<string>());
    }

    [TestMethod]
    public void An_entrypoint_replaces_the_base_one_and_drops_the_base_cmd()
    {
        var config = Config(Spec());

        Assert.AreSequenceEqual(new[] { "dotnet", "/app/Shop.dll" }, Strings(config["Entrypoint"]));
        Assert.IsFalse(config.ContainsKey("Cmd"));
    }

    [TestMethod]
    public void An_entrypoint_with_a_cmd_sets_both()
    {
        var config = Config(Spec() with { Cmd = ["--verbose"] });

        Assert.AreSequenceEqual(new[] { "dotnet", "/app/Shop.dll" }, Strings(config["Entrypoint"]));
        Assert.AreSequenceEqual(new[] { "--verbose" }, Strings(config["Cmd"]));
    }

    [TestMethod]
    public void Without_an_entrypoint_the_base_entrypoint_stays_and_the_cmd_replaces_the_base_cmd()
    {
        var baseConfig = BaseConfig.Replace("\"Cmd\": [\"bash\"]", "\"Entrypoint\": [\"/usr/bin/tini\", \"--\"], \"Cmd\": [\"bash\"]");

        var config = Config(Spec() with { Entrypoint = [], Cmd = ["/app/Shop"] }, baseConfig);

        Assert.AreSequenceEqual(new[] { "/usr/bin/tini", "--" }, Strings(config["Entrypoint"]));
        Assert.AreSequenceEqual(new[] { "/app/Shop" }, Strings(config["Cmd"]));
    }

    [TestMethod]
    public void Without_an_entrypoint_or_a_cmd_the_base_ones_stay()
    {
        var config = Config(Spec() with { Entrypoint = [], Cmd = [] });

        Assert.IsFalse(config.ContainsKey("Entrypoint"));
        Assert.AreSequenceEqual(new[] { "bash" }, Strings(config["Cmd"]));
    }

    [TestMethod]
    public void The_layers_diff_ids_are_appended_to_those_of_the_base()
    {
        var rootfs = Written(Spec())["rootfs"]!;

        Assert.AreEqual("layers", rootfs["type"]!.GetValue<string>());
        Assert.AreSequenceEqual(new[] { "sha256:" + new string('1', 64), AppHostLayer.DiffId, AppLayer.DiffId }, Strings(rootfs["diff_ids"]));
    }

    [TestMethod]
    public void History_is_the_base_history_and_one_copy_entry_per_layer()
    {
        var history = Written(Spec())["history"]!.AsArray();

        Assert.HasCount(3, history);
        Assert.AreEqual("/bin/sh -c #(nop) ADD file:abc in / ", history[0]!["created_by"]!.GetValue<string>());
        Assert.AreEqual("{\"created\":\"1970-01-01T00:00:00Z\",\"created_by\":\"COPY layers/4-apphost/ /app/ # containerize\",\"comment\":\"containerize\"}", history[1]!.ToJsonString());
        Assert.AreEqual("COPY layers/5-app/ /app/ # containerize", history[2]!["created_by"]!.GetValue<string>());
    }

    [TestMethod]
    public void A_spec_without_a_user_is_refused()
    {
        var exception = Assert.ThrowsExactly<InvalidOperationException>(() => Written(Spec() with { User = null }));

        Assert.Contains("no user", exception.Message);
    }

    [TestMethod]
    public void Layers_that_do_not_match_the_spec_layers_are_refused()
    {
        Assert.ThrowsExactly<ArgumentException>(() =>
            ImageConfigWriter.Write(JsonNode.Parse(BaseConfig)!.AsObject(), Spec(), [AppLayer], DateTimeOffset.UnixEpoch));
    }

    [TestMethod]
    public void ContainerHealthCheck_becomes_the_Healthcheck_as_the_engine_writes_it()
    {
        var config = Config(Spec() with { HealthCheck = new HealthCheck(["curl", "-f", "http://localhost:8080/healthz"], "10s", "500ms", "1m", "3") });

        Assert.AreEqual("{\"Test\":[\"CMD\",\"curl\",\"-f\",\"http://localhost:8080/healthz\"],\"Interval\":10000000000,\"Timeout\":500000000,\"StartPeriod\":60000000000,\"Retries\":3}",
            config["Healthcheck"]!.ToJsonString());
    }

    [TestMethod]
    public void A_health_check_without_options_leaves_the_engines_defaults()
    {
        var config = Config(Spec() with { HealthCheck = new HealthCheck(["/app/Shop", "--health"], "", "", "", "") });

        Assert.AreEqual("{\"Test\":[\"CMD\",\"/app/Shop\",\"--health\"]}", config["Healthcheck"]!.ToJsonString());
    }
}
