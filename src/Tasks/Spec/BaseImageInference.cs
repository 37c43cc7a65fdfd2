using Containerize.Diagnostics;

namespace Containerize.Spec;

/// <summary>
/// The .NET base image a project runs on, inferred as the .NET SDK does:
/// self-contained or AOT → runtime-deps; ASP.NET Core → aspnet; otherwise runtime; AOT or trimmed apps of .NET 8
/// and later on chiseled images (no shell, no package manager), with -extra (ICU, tzdata) unless globalization is invariant.
/// </summary>
public static class BaseImageInference
{
    public const string DefaultRegistry = "mcr.microsoft.com";

    public static string Infer(ProjectFacts project, string baseRegistry, string family, ICollection<Diagnostic> diagnostics)
    {
        var version = project.TargetFrameworkVersion.TrimStart('v', 'V');
        if (project.TargetFrameworkIdentifier != ".NETCoreApp" || !Version.TryParse(version, out var parsed) || parsed.Major < 6)
        {
            diagnostics.Add(Errors.UnsupportedTargetFramework(project.TargetFramework.Length > 0 ? project.TargetFramework : version));
            return "";
        }

        var repository = project.SelfContained || project.PublishAot ? "runtime-deps"
            : project.UsesAspNetCore ? "aspnet"
            : "runtime";

        var tag = $"{parsed.Major}.{parsed.Minor}" + TagSuffix(project, parsed.Major, family);
        var registry = baseRegistry.Length > 0 ? baseRegistry.TrimEnd('/') : DefaultRegistry;
        return $"{registry}/dotnet/{repository}:{tag}";
    }

    private static string TagSuffix(ProjectFacts project, int major, string family)
    {
        if (family.Length > 0)
        {
            return "-" + family;
        }

        if (project.RuntimeIdentifier.StartsWith("linux-musl", StringComparison.Ordinal))
        {
            return "-alpine";
        }

        if ((project.PublishAot || project.PublishTrimmed) && major >= 8)
        {
            var chiseled = major >= 9 ? "-noble-chiseled" : "-jammy-chiseled";
            return project.InvariantGlobalization ? chiseled : chiseled + "-extra";
        }

        return "";
    }
}
