using Containerize.Spec;

namespace Containerize.Tests.Unit.Support;

/// <summary>The project facts MSBuild would pass for typical apps, as a test starts from them.</summary>
internal static class Projects
{
    /// <summary>A framework-dependent console app on net10.0, version 1.0.0.</summary>
    public static ProjectFacts Console(string assemblyName = "HelloDocker") => new()
    {
        AssemblyName = assemblyName,
        TargetFramework = "net10.0",
        TargetFrameworkIdentifier = ".NETCoreApp",
        TargetFrameworkVersion = "v10.0",
        Version = "1.0.0",
    };

    /// <summary>A framework-dependent ASP.NET Core app on net10.0.</summary>
    public static ProjectFacts Web(string assemblyName = "WebApi") => Console(assemblyName) with { UsesAspNetCore = true };

    /// <summary>A self-contained console app for linux-x64.</summary>
    public static ProjectFacts SelfContained(string assemblyName = "HelloDocker") =>
        Console(assemblyName) with { RuntimeIdentifier = "linux-x64", SelfContained = true };

    /// <summary>The same app for another target framework (net8.0 → v8.0).</summary>
    public static ProjectFacts On(this ProjectFacts project, string targetFramework) => project with
    {
        TargetFramework = targetFramework,
        TargetFrameworkVersion = "v" + targetFramework["net".Length..],
    };
}
