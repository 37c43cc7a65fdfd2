namespace Containerize.Backends;

/// <summary>An engine endpoint and where it came from (for messages, and for the auto backend's choice).</summary>
/// <param name="IsConfigured">True when the user named it (ContainerDockerHost, DOCKER_HOST, a docker context), false when it was found by looking.</param>
public sealed record DockerEndpoint(Uri Uri, string Source, bool IsConfigured);
