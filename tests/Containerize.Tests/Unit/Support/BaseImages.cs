using Containerize.Spec;

namespace Containerize.Tests.Unit.Support;

/// <summary>What the engine reports for .NET base images.</summary>
internal static class BaseImages
{
    public const string RuntimeDigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";

    /// <summary>A .NET 8+ base image: APP_UID 1654, no digest known.</summary>
    public static BaseImageFacts DotNet(string? digest = null) =>
        new("sha256:aaaa", digest, new Dictionary<string, string> { ["APP_UID"] = "1654", ["DOTNET_VERSION"] = "10.0.0" });

    /// <summary>An ASP.NET Core base image: APP_UID 1654 and ASPNETCORE_HTTP_PORTS 8080.</summary>
    public static BaseImageFacts AspNet(string? digest = null) =>
        new("sha256:bbbb", digest, new Dictionary<string, string> { ["APP_UID"] = "1654", ["ASPNETCORE_HTTP_PORTS"] = "8080" });

    public static BaseImageFacts WithEnvironment(params (string Name, string Value)[] variables) =>
        new("sha256:cccc", null, variables.ToDictionary(variable => variable.Name, variable => variable.Value));
}
