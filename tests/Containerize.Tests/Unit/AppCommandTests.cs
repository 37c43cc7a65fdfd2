using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class AppCommandTests
{
    [TestMethod]
    public void A_framework_dependent_app_starts_with_dotnet_and_its_dll()
    {
        var spec = Resolution.Succeeds(Projects.Console());

        Assert.AreSequenceEqual(new[] { "dotnet", "/app/HelloDocker.dll" }, spec.Entrypoint);
        Assert.IsEmpty(spec.Cmd);
    }

    [TestMethod]
    public void A_self_contained_app_starts_with_its_apphost() =>
        Assert.AreSequenceEqual(new[] { "/app/HelloDocker" }, Resolution.Succeeds(Projects.SelfContained()).Entrypoint);

    [TestMethod]
    public void An_AOT_app_starts_with_its_native_executable() =>
        Assert.AreSequenceEqual(new[] { "/app/HelloDocker" },
            Resolution.Succeeds(Projects.Console() with { PublishAot = true, RuntimeIdentifier = "linux-x64" }).Entrypoint);

    [TestMethod]
    public void The_app_path_follows_the_working_directory() =>
        Assert.AreSequenceEqual(new[] { "dotnet", "/srv/shop/HelloDocker.dll" },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { WorkingDirectory = "/srv/shop" }).Entrypoint);

    [TestMethod]
    public void ContainerAppCommand_replaces_the_default_command() =>
        Assert.AreSequenceEqual(new[] { "/usr/bin/tini", "--", "dotnet", "app.dll" },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { AppCommand = ["/usr/bin/tini", "--", "dotnet", "app.dll"] }).Entrypoint);

    [TestMethod]
    public void ContainerAppCommandArgs_follow_the_command_in_the_entrypoint() =>
        Assert.AreSequenceEqual(new[] { "dotnet", "/app/HelloDocker.dll", "--mode", "worker" },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { AppCommandArgs = ["--mode", "worker"] }).Entrypoint);

    [TestMethod]
    public void ContainerDefaultArgs_are_the_CMD()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings { DefaultArgs = ["--verbose", "a b"] });

        Assert.AreSequenceEqual(new[] { "dotnet", "/app/HelloDocker.dll" }, spec.Entrypoint);
        Assert.AreSequenceEqual(new[] { "--verbose", "a b" }, spec.Cmd);
    }

    [TestMethod]
    public void The_DefaultArgs_instruction_puts_command_args_and_default_args_in_CMD_and_keeps_the_base_entrypoint()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            AppCommandInstruction = "DefaultArgs",
            AppCommandArgs = ["--mode", "worker"],
            DefaultArgs = ["--verbose"],
        });

        Assert.IsEmpty(spec.Entrypoint);
        Assert.AreSequenceEqual(new[] { "dotnet", "/app/HelloDocker.dll", "--mode", "worker", "--verbose" }, spec.Cmd);
    }

    [TestMethod]
    [DataRow("Entrypoint")]
    [DataRow("ENTRYPOINT")]
    [DataRow("entrypoint")]
    public void The_Entrypoint_instruction_is_the_default_in_any_case(string instruction) =>
        Assert.AreSequenceEqual(new[] { "dotnet", "/app/HelloDocker.dll" },
            Resolution.Succeeds(Projects.Console(), new ContainerSettings { AppCommandInstruction = instruction }).Entrypoint);

    [TestMethod]
    public void The_DefaultArgs_instruction_is_case_insensitive() =>
        Assert.IsEmpty(Resolution.Succeeds(Projects.Console(), new ContainerSettings { AppCommandInstruction = "defaultargs" }).Entrypoint);

    [TestMethod]
    public void The_None_instruction_keeps_the_base_entrypoint_and_makes_the_default_args_the_CMD()
    {
        var spec = Resolution.Succeeds(Projects.Console(), new ContainerSettings
        {
            AppCommandInstruction = "None",
            AppCommandArgs = ["--ignored"],
            DefaultArgs = ["--verbose"],
        });

        Assert.IsEmpty(spec.Entrypoint);
        Assert.AreSequenceEqual(new[] { "--verbose" }, spec.Cmd);
    }
}
