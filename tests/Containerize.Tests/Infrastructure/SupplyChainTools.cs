using System.Text.Json;

namespace Containerize.Tests.Infrastructure;

/// <summary>
/// cosign 3.1 and oras 1.3 (eng/env/supply-chain-tools.sh), to check what was attached to an image and signed,
/// independently of the code under test (docs/supply-chain.md, "Tools the tests use").
/// </summary>
public static class SupplyChainTools
{
    /// <summary>
    /// cosign with a scratch HOME and every HTTPS request outside loopback sent to a closed port: it never leaves this
    /// machine, even if a flag that keeps it offline is forgotten.
    /// </summary>
    public static ProcessResult Cosign(TemporaryFolder home, params string[] arguments) =>
        ProcessRunner.Run(Tool("CONTAINERIZE_TEST_COSIGN", "cosign"), arguments,
            environment: new Dictionary<string, string?> { ["HOME"] = home.Path, ["HTTPS_PROXY"] = "http://127.0.0.1:9", ["HTTP_PROXY"] = "http://127.0.0.1:9" },
            timeout: TimeSpan.FromMinutes(2));

    /// <summary>cosign verify (or verify-attestation) with the public key, the transparency log skipped (there is none here).</summary>
    public static ProcessResult CosignVerify(TemporaryFolder home, string command, string publicKey, string image, params string[] more) =>
        Cosign(home, [command, "--key", publicKey, "--insecure-ignore-tlog", .. more, image]);

    public static ProcessResult Oras(params string[] arguments) =>
        ProcessRunner.Run(Tool("CONTAINERIZE_TEST_ORAS", "oras"), arguments, timeout: TimeSpan.FromMinutes(2));

    /// <summary>`oras discover --format json` of an image: its referrers, each with its artifactType and digest.</summary>
    public static List<(string ArtifactType, string Digest)> Discover(string image, params string[] more)
    {
        var output = Oras(["discover", "--format", "json", .. more, image]).ShouldSucceed().Output;
        using var document = JsonDocument.Parse(output[output.IndexOf('{')..]);
        return document.RootElement.GetProperty("referrers").EnumerateArray()
            .Select(referrer => (referrer.GetProperty("artifactType").GetString()!, referrer.GetProperty("digest").GetString()!))
            .ToList();
    }

    private static string Tool(string variable, string name)
    {
        var path = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(path) && File.Exists(path))
        {
            return path;
        }

        TestEnvironment.Unavailable($"This test needs {name}: run eng/env/up.sh and source /var/lib/containerize-env/env.sh ({variable}).");
        return "";
    }
}
