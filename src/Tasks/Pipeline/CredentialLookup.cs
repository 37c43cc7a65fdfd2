using Containerize.Diagnostics;
using Containerize.Registries;

namespace Containerize.Pipeline;

/// <summary>Credentials for a registry, with the resolver's warnings logged and the choice shown at detailed verbosity.</summary>
public sealed class CredentialLookup(CredentialResolver resolver, IBuildLog log)
{
    public RegistryCredentials? Find(string host, RegistryAccess access, string? pushHost)
    {
        var diagnostics = new List<Diagnostic>();
        var found = resolver.Resolve(host, access, pushHost, diagnostics);
        diagnostics.ForEach(log.Report);
        log.Detail(found is null ? $"No credentials for {host}: anonymous." : $"Registry {host}: {found}.");
        return found;
    }
}
