using System.Text.RegularExpressions;

namespace Containerize.Spec;

/// <summary>The grammar of image names, tags, digests and registries (distribution/reference).</summary>
public static class ReferenceRules
{
    private static readonly Regex RepositoryPattern = new(
        @"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant);

    private static readonly Regex TagPattern = new(@"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", RegexOptions.CultureInvariant);

    private static readonly Regex DigestPattern = new(@"^sha256:[a-f0-9]{64}$", RegexOptions.CultureInvariant);

    private static readonly Regex RegistryPattern = new(
        @"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$",
        RegexOptions.CultureInvariant);

    public static bool IsRepository(string value) => value.Length <= 255 && RepositoryPattern.IsMatch(value);

    public static bool IsTag(string value) => TagPattern.IsMatch(value);

    public static bool IsDigest(string value) => DigestPattern.IsMatch(value);

    /// <summary>host[:port], the port 1–65535 (a name the grammar allows with port 0 or 99999 reaches nothing).</summary>
    public static bool IsRegistry(string value)
    {
        if (!RegistryPattern.IsMatch(value))
        {
            return false;
        }

        var colon = value.LastIndexOf(':');
        return colon < 0 || value.EndsWith(']') || (int.TryParse(value[(colon + 1)..], out var port) && port is >= 1 and <= 65535);
    }

    /// <summary>host[:port] optionally followed by a namespace: ghcr.io/acme, localhost:5000, mirror.example.com/mcr.</summary>
    public static bool IsRegistryWithNamespace(string value)
    {
        var slash = value.IndexOf('/');
        return slash < 0 ? IsRegistry(value) : IsRegistry(value[..slash]) && IsRepository(value[(slash + 1)..]);
    }

    /// <summary>True when the first path component of a name is a registry host rather than part of the repository.</summary>
    public static bool LooksLikeRegistry(string component) =>
        component.Contains('.') || component.Contains(':') || component == "localhost" || component.StartsWith('[');

    /// <summary>
    /// The repository name a .NET developer expects from an assembly name: lower-case kebab form
    /// (HelloDocker → hello-docker, My.App_Name → my.app-name); characters a repository cannot hold become '-'.
    /// </summary>
    public static string ToKebabRepository(string assemblyName)
    {
        var builder = new System.Text.StringBuilder(assemblyName.Length + 8);
        for (var i = 0; i < assemblyName.Length; i++)
        {
            var c = assemblyName[i];
            if (char.IsAsciiLetterUpper(c))
            {
                var previous = i > 0 ? assemblyName[i - 1] : '\0';
                var next = i + 1 < assemblyName.Length ? assemblyName[i + 1] : '\0';
                var startsWord = i > 0 && (char.IsAsciiLetterLower(previous) || char.IsAsciiDigit(previous) || (char.IsAsciiLetterUpper(previous) && char.IsAsciiLetterLower(next)));
                if (startsWord && builder.Length > 0 && builder[^1] != '-' && builder[^1] != '.')
                {
                    builder.Append('-');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.')
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '-')
            {
                builder.Append('-');
            }
        }

        return builder.ToString().Trim('-', '.');
    }
}
