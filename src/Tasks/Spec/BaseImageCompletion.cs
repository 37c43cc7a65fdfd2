using Containerize.Diagnostics;

namespace Containerize.Spec;

/// <summary>
/// Fills in what only the base image knows: the app user (APP_UID), ASP.NET Core's ports, the base digest label and
/// the package manager ContainerPackage items need.
/// </summary>
public static class BaseImageCompletion
{
    public const string DefaultAspNetPort = "8080";

    public static ContainerSpec Complete(ContainerSpec spec, BaseImageFacts facts)
    {
        var user = spec.User;
        if (user is null)
        {
            var appUid = Setting(spec, facts, "APP_UID");
            if (!uint.TryParse(appUid, out _))
            {
                throw new ContainerizeException(Errors.BaseImageHasNoAppUid(spec.BaseImage.ToString()));
            }

            user = appUid!;
        }

        var ports = spec.PortsFromBaseImage ? AspNetPorts(spec, facts) : spec.Ports;
        const string baseDigestLabel = "org.opencontainers.image.base.digest";
        var labels = spec.LabelBaseDigest && facts.Digest is not null && spec.Labels.All(label => label.Key != baseDigestLabel)
            ? spec.Labels.Append(new(baseDigestLabel, facts.Digest)).ToList()
            : spec.Labels;

        var packageManager = spec.Packages.Count == 0 || spec.PackageManager.Length > 0 ? spec.PackageManager
            : facts.PackageManager is { Length: > 0 } found ? found
            : throw new ContainerizeException(Errors.NoPackageManagerInBase(spec.BaseImage.ToString()));
        return spec with { User = user, Ports = ports, PortsFromBaseImage = false, Labels = labels, PackageManager = packageManager };
    }

    /// <summary>A variable as the app will see it: the app's own ContainerEnvironmentVariable, else the base image's.</summary>
    private static string? Setting(ContainerSpec spec, BaseImageFacts facts, string name) =>
        spec.Environment.LastOrDefault(pair => pair.Key == name).Value ?? facts.Environment.GetValueOrDefault(name);

    /// <summary>
    /// The ports ASP.NET Core listens on in the container, from the variables as the app sees them: ASPNETCORE_URLS
    /// (which wins in ASP.NET Core), else ASPNETCORE_HTTP_PORTS and ASPNETCORE_HTTPS_PORTS, else 8080.
    /// </summary>
    private static IReadOnlyList<ContainerPort> AspNetPorts(ContainerSpec spec, BaseImageFacts facts)
    {
        var urls = Setting(spec, facts, "ASPNETCORE_URLS");
        var http = Setting(spec, facts, "ASPNETCORE_HTTP_PORTS");
        var https = Setting(spec, facts, "ASPNETCORE_HTTPS_PORTS");
        var ports = !string.IsNullOrWhiteSpace(urls)
            ? urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(UrlPort)
            : (http is null && https is null ? DefaultAspNetPort : $"{http};{https}").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return ports
            .Select(port => int.TryParse(port, out var number) && number is > 0 and <= 65535 ? number : 0)
            .Where(number => number > 0)
            .Distinct()
            .Select(number => new ContainerPort(number, "tcp"))
            .ToList();
    }

    /// <summary>The port of an ASP.NET Core URL such as http://+:5000 or https://*:443; the scheme's default when it names none.</summary>
    private static string UrlPort(string url)
    {
        var authority = url.Split("://", 2) is [var scheme, var rest] ? (scheme, rest.Split('/')[0]) : ("", url);
        var colon = authority.Item2.LastIndexOf(':');
        return colon >= 0 && colon > authority.Item2.LastIndexOf(']') ? authority.Item2[(colon + 1)..]
            : authority.Item1.Equals("https", StringComparison.OrdinalIgnoreCase) ? "443" : "80";
    }
}
