namespace Containerize.Diagnostics;

/// <summary>Registries and credentials (CTZ3xxx).</summary>
public static partial class Errors
{
    public static Diagnostic RegistryRejectedCredentials(string registry, Registries.RegistryCredentials? credentials) => new("CTZ3001",
        $"The registry {registry} did not accept {Registries.RegistryCredentials.Describe(credentials)}. Check the user name and password (CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD), or log in with 'docker login {registry}' so that config.json or a credential helper holds them.");

    public static Diagnostic RegistryDenied(string registry, string repository, Registries.RegistryCredentials? credentials) => new("CTZ3002",
        $"The registry {registry} refused {Registries.RegistryCredentials.Describe(credentials)} access to {repository}. Check that this account may read it (a base image) or write to it (a push: or create it), or use a repository it may.");

    /// <summary>The code of <see cref="RegistryUnreachable"/>, which the attach step acts on.</summary>
    public const string RegistryUnreachableCode = "CTZ3003";

    /// <param name="throughEngine">The engine reached for it (its push): the engine's network settings apply, not this process's.</param>
    public static Diagnostic RegistryUnreachable(string registry, string reason, bool throughEngine = false) => new(RegistryUnreachableCode,
        $"The registry {registry} could not be reached: {reason}. Check ContainerRegistry (or ContainerBaseImage), that the registry runs, and that it can be reached "
        + (throughEngine ? "from the engine — its own proxy and DNS settings apply." : "from this machine — the build's HTTPS_PROXY, HTTP_PROXY and NO_PROXY apply."));

    public static Diagnostic EngineRequiresHttps(string registry, string reason) => new("CTZ3004",
        $"The engine reached {registry} over HTTPS, and the registry answered over plain HTTP ({reason}). The engine pushes over plain HTTP only to loopback registries and those in its own insecure-registries setting (/etc/docker/daemon.json); add {registry} there, or serve the registry over HTTPS. ContainerInsecureRegistries does not change what the engine does.");

    public static Diagnostic PushFailed(string reference, string reason, int attempts) => new("CTZ3005",
        $"The engine could not push {reference}" + (attempts > 1 ? $" after {attempts} attempts" : "") + $": {reason}.");

    public static Diagnostic CredentialHelperFailed(string program, string source, string reason) => new("CTZ3006",
        $"The credential helper {program} (named by {source}) failed: {reason}. Install it or fix it, or remove that entry from config.json to push anonymously.");

    public static Diagnostic PasswordInDotnetVariable(string variable, (string User, string Password) instead) => new("CTZ3007",
        $"A registry password is set in {variable}. MSBuild writes every DOTNET_* environment variable into diagnostic (-v:diag) logs and binary logs, so it may end up in a build log. Unset it and use {instead.User} and {instead.Password} instead.", Severity.Warning);

    public static Diagnostic DockerConfigUnreadable(string path, string reason) => new("CTZ3008",
        $"The docker configuration {path} cannot be read: {Clause(reason)}. Fix or remove it (docker login writes it anew), or point DOCKER_CONFIG at another folder.");

    public static Diagnostic CredentialsOverPlainConnection(string endpoint) => new("CTZ3009",
        $"Registry credentials go to the engine at {endpoint} over a connection without TLS, where anyone on the network path can read them. Use the engine's socket, or TLS (DOCKER_TLS_VERIFY and DOCKER_CERT_PATH).", Severity.Warning);

    public static Diagnostic RegistryRequestFailed(string registry, string operation, string status, string? registryMessage, int attempts = 1) => new("CTZ3010",
        $"The registry {registry} answered {status} when asked to {operation}" + (attempts > 1 ? $" (after {attempts} attempts)" : "") + (string.IsNullOrEmpty(registryMessage) ? "" : $": {registryMessage}") + $". Check that {registry} is an OCI distribution registry that allows this; its own log tells more.");

    public static Diagnostic RegistryAnswersPlainHttp(string registry) => new("CTZ3011",
        $"The registry {registry} answers over plain HTTP, and Containerize reached for it over HTTPS. If it is meant to serve plain HTTP, add it to ContainerInsecureRegistries (for example: -p:ContainerInsecureRegistries={registry}); otherwise serve it over HTTPS.");

    /// <summary>The code of <see cref="BaseImageNotInRegistry"/>, which the base-image lock acts on.</summary>
    public const string BaseImageNotInRegistryCode = "CTZ3012";

    public static Diagnostic BaseImageNotInRegistry(string registry, string image, string missing) => new(BaseImageNotInRegistryCode,
        $"The registry {registry} has no {missing} of {image}: that base image is not in this registry. Check ContainerBaseImage (or ContainerBaseRegistry and ContainerFamily, from which it was inferred), and that the image was pushed there completely.");

    public static Diagnostic ContentDigestMismatch(string registry, string digest, string actual) => new("CTZ3013",
        $"The content that {registry} served for {digest} hashes to {actual}, so it is not the content that digest names. Run the build again; if it persists, the registry's storage (or a proxy or mirror in between) is damaged: check it, or use another registry.");

    public static Diagnostic CredentialsToPlainHttpTokenService(string registry, string realm, Registries.RegistryCredentials? credentials) => new("CTZ3014",
        $"The registry {registry} names {realm}, a plain HTTP address, as its token service: {Registries.RegistryCredentials.Describe(credentials)} would travel there unencrypted, so they were not sent. Containerize sends credentials over plain HTTP only to a registry reached over plain HTTP itself (a loopback name or one in ContainerInsecureRegistries) and to a token service on its host or on a loopback name. Have the registry name an https:// token service (its token realm setting; for Docker Distribution auth.token.realm), or use a registry that does.");

    public static Diagnostic ReferrersTagTaken(string registry, string repository, string tag, string problem) => new("CTZ3015",
        $"The image was pushed, but its SBOM, provenance and signatures could not be listed as its referrers: the tag {tag} of {registry}/{repository}, where registries without the referrers API keep that list (OCI distribution spec 1.1), {Clause(problem)}. Containerize does not overwrite it: delete that tag if nothing needs it, and build again.");
}
