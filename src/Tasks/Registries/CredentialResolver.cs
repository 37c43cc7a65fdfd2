using Containerize.Diagnostics;

namespace Containerize.Registries;

public enum RegistryAccess
{
    /// <summary>Pushing the built image to ContainerRegistry.</summary>
    Push,

    /// <summary>Pulling the base image.</summary>
    Pull,
}

/// <summary>
/// Finds the credentials for a registry, in the order spec.md gives: the environment, then the docker config
/// (credHelpers[host], credsStore, auths), else none (anonymous). Push variables are only used for the push registry.
/// </summary>
public sealed class CredentialResolver(Func<string, string?> environment)
{
    private static readonly (string User, string Password)[] PushVariables =
    [
        ("CONTAINERIZE_REGISTRY_USERNAME", "CONTAINERIZE_REGISTRY_PASSWORD"),
        ("DOTNET_CONTAINER_PUSH_REGISTRY_UNAME", "DOTNET_CONTAINER_PUSH_REGISTRY_PWORD"),
        ("DOTNET_CONTAINER_REGISTRY_UNAME", "DOTNET_CONTAINER_REGISTRY_PWORD"),
    ];

    private static readonly (string User, string Password)[] PullVariables =
    [
        ("CONTAINERIZE_PULL_REGISTRY_USERNAME", "CONTAINERIZE_PULL_REGISTRY_PASSWORD"),
        ("DOTNET_CONTAINER_PULL_REGISTRY_UNAME", "DOTNET_CONTAINER_PULL_REGISTRY_PWORD"),
    ];

    public static CredentialResolver ForThisProcess() => new(Environment.GetEnvironmentVariable);

    /// <param name="host">The registry's host[:port].</param>
    /// <param name="access">Push: the push variables apply. Pull: the pull variables, and the push ones too when the host is <paramref name="pushHost"/>.</param>
    /// <param name="pushHost">The push registry's host, if any.</param>
    /// <returns>The credentials, or null for an anonymous request.</returns>
    public RegistryCredentials? Resolve(string host, RegistryAccess access, string? pushHost, ICollection<Diagnostic> diagnostics)
    {
        var variables = access == RegistryAccess.Push ? PushVariables
            : host == pushHost ? PullVariables.Concat(PushVariables).ToArray()
            : PullVariables;

        // MSBuild logs a DOTNET_* password whether or not it is the one used.
        foreach (var (_, password) in variables.Where(pair => pair.Password.StartsWith("DOTNET_", StringComparison.Ordinal)))
        {
            if (!string.IsNullOrEmpty(environment(password)))
            {
                diagnostics.Add(Errors.PasswordInDotnetVariable(password, password.Contains("_PULL_", StringComparison.Ordinal) ? PullVariables[0] : PushVariables[0]));
            }
        }

        foreach (var (user, password) in variables)
        {
            var name = environment(user);
            var secret = environment(password);
            if (!string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(secret))
            {
                return new RegistryCredentials(name, secret, null, $"{user} and {password}");
            }
        }

        var config = DockerConfigFile.Load(environment);
        if (config is null)
        {
            return null;
        }

        var server = RegistryNames.HelperServerUrl(host);
        if (config.CredentialHelpers.TryGetValue(host, out var helper))
        {
            return CredentialHelper.Get(helper, server, $"\"credHelpers\" in {config.Path}");
        }

        if (config.CredentialsStore is { } store)
        {
            return CredentialHelper.Get(store, server, $"\"credsStore\" in {config.Path}") ?? config.StoredCredentials(host);
        }

        return config.StoredCredentials(host);
    }
}
