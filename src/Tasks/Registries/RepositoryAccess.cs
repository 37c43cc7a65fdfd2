namespace Containerize.Registries;

/// <summary>The repository a request is about, and the token scopes it needs (Bearer authentication asks the token service for them).</summary>
internal sealed record RepositoryAccess(string Repository, IReadOnlyList<string> Scopes)
{
    public static RepositoryAccess Pull(string repository) => new(repository, [$"repository:{repository}:pull"]);

    public static RepositoryAccess Push(string repository) => new(repository, [$"repository:{repository}:pull,push"]);

    /// <summary>A mount pushes here and reads the blob from the other repository.</summary>
    public static RepositoryAccess Mount(string repository, string from) => new(repository, [$"repository:{repository}:pull,push", $"repository:{from}:pull"]);
}
