using System.Text.Json;

namespace Containerize.Tests.Infrastructure;

/// <summary>skopeo, to check what a registry holds independently of the engine and of the code under test.</summary>
public static class Skopeo
{
    /// <summary>
    /// skopeo inspect of a pushed image (manifest digest, labels, layers), as JSON; with <paramref name="config"/>, the
    /// config blob as it was pushed (--raw: skopeo's parsed config is the OCI struct, which drops Docker's fields such as Healthcheck).
    /// </summary>
    public static JsonElement Inspect(string reference, string? credentials = null, bool config = false)
    {
        var arguments = new List<string> { "inspect", "--tls-verify=false" };
        if (credentials is not null)
        {
            arguments.Add("--creds=" + credentials);
        }

        if (config)
        {
            arguments.Add("--config");
            arguments.Add("--raw");
        }

        arguments.Add("docker://" + reference);
        var result = ProcessRunner.Run("skopeo", arguments, timeout: TimeSpan.FromMinutes(2)).ShouldSucceed();
        using var document = JsonDocument.Parse(result.Output);
        return document.RootElement.Clone();
    }

    public static string Digest(string reference, string? credentials = null) => Inspect(reference, credentials).GetProperty("Digest").GetString()!;
}
