namespace Containerize.Registries;

/// <summary>
/// Credentials for one registry, and where they were found (for messages; never the secret itself).
/// Either a user name and password, or an identity token (a registry's refresh token, as docker login stores it).
/// </summary>
public sealed record RegistryCredentials(string Username, string Password, string? IdentityToken, string Source)
{
    /// <summary>For messages: whose credentials were used, or that none were.</summary>
    public static string Describe(RegistryCredentials? credentials) =>
        credentials is null
            ? "a request without credentials (none were found for it in the environment or the docker config)"
            : $"the credentials from {credentials.Source}";

    /// <summary>Never prints the secret: records are logged and compared in tests.</summary>
    public override string ToString() => $"credentials for '{Username}' from {Source}";
}
