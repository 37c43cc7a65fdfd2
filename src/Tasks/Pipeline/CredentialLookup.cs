using Containerize.Diagnostics;
using Containerize.Registries;

namespace Containerize.Pipeline;

/// <summary>
/// Credentials for a registry, with the resolver's warnings logged and the choice shown at detailed verbosity. Each
/// registry and access is resolved once per run: the push and the attach step after it ask a credential helper once.
/// </summary>
public sealed class CredentialLookup(CredentialResolver resolver, IBuildLog log)
{
    private readonly Dictionary<(string Host, RegistryAccess Access, string? PushHost), RegistryCredentials?> found = [];

    public RegistryCredentials? Find(string host, RegistryAccess access, string? pushHost)
    {
        if (found.TryGetValue((host, access, pushHost), out var known))
        {
            return known;
        }

        var diagnostics = new List<Diagnostic>();
        var credentials = resolver.Resolve(host, access, pushHost, diagnostics);
        diagnostics.ForEach(log.Report);
        log.Detail(credentials is null ? $"No credentials for {host}: anonymous." : $"Registry {host}: {credentials}.");
        found[(host, access, pushHost)] = credentials;
        return credentials;
    }
}
