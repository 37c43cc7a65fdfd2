using Containerize.Diagnostics;

namespace Containerize.Spec;

/// <summary>Fills in what only the base image knows: the app user (APP_UID), ASP.NET Core's ports and the base digest label.</summary>
public static class BaseImageCompletion
{
    public const string DefaultAspNetPort = "8080";

    public static ContainerSpec Complete(ContainerSpec spec, BaseImageFacts facts)
    {
        var user = spec.User;
        if (user is null)
        {
            if (!facts.Environment.TryGetValue("APP_UID", out var appUid) || !uint.TryParse(appUid, out _))
            {
                throw new ContainerizeException(Errors.BaseImageHasNoAppUid(spec.BaseImage.ToString()));
            }

            user = appUid;
        }

        var ports = spec.PortsFromBaseImage ? AspNetPorts(spec, facts) : spec.Ports;
        var labels = spec.LabelBaseDigest && facts.Digest is not null
            ? spec.Labels.Append(new("org.opencontainers.image.base.digest", facts.Digest)).ToList()
            : spec.Labels;

        return spec with { User = user, Ports = ports, PortsFromBaseImage = false, Labels = labels };
    }

    /// <summary>The ports ASP.NET Core listens on in the container: the app's own ASPNETCORE_HTTP(S)_PORTS, else the base image's, else 8080.</summary>
    private static IReadOnlyList<ContainerPort> AspNetPorts(ContainerSpec spec, BaseImageFacts facts)
    {
        string? Setting(string name) =>
            spec.Environment.LastOrDefault(pair => pair.Key == name).Value ?? facts.Environment.GetValueOrDefault(name);

        var http = Setting("ASPNETCORE_HTTP_PORTS");
        var https = Setting("ASPNETCORE_HTTPS_PORTS");
        var text = http is null && https is null ? DefaultAspNetPort : $"{http};{https}";
        return text.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(port => int.TryParse(port, out var number) && number is > 0 and <= 65535 ? number : 0)
            .Where(number => number > 0)
            .Distinct()
            .Select(number => new ContainerPort(number, "tcp"))
            .ToList();
    }
}
