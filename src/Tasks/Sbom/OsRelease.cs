namespace Containerize.Sbom;

/// <summary>The distribution an image is made of, from its os-release file (freedesktop.org: /etc/os-release, else /usr/lib/os-release).</summary>
/// <param name="Id">ID: "debian", "ubuntu", "alpine", "azurelinux"… (lower case); null when absent.</param>
/// <param name="VersionId">VERSION_ID: "12", "24.04", "3.20.3"; null when absent (Debian testing has none).</param>
/// <param name="PrettyName">PRETTY_NAME, for people.</param>
public sealed record OsRelease(string? Id, string? VersionId, string? PrettyName)
{
    /// <summary>The purl "distro" qualifier: "&lt;id&gt;-&lt;version id&gt;" (debian-12, ubuntu-24.04, alpine-3.20.3); null without both.</summary>
    public string? Distro => Id is null || VersionId is null ? null : $"{Id}-{VersionId}";

    /// <summary>
    /// KEY=value lines; values may be in double quotes (with \" \\ \$ \` escapes) or single quotes; comments and
    /// lines of other shapes are skipped. Never throws.
    /// </summary>
    public static OsRelease Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            var equals = line.IndexOf('=');
            if (line.StartsWith('#') || equals <= 0)
            {
                continue;
            }

            values[line[..equals]] = Unquote(line[(equals + 1)..]);
        }

        return new OsRelease(
            NonEmpty(values.GetValueOrDefault("ID"))?.ToLowerInvariant(),
            NonEmpty(values.GetValueOrDefault("VERSION_ID")),
            NonEmpty(values.GetValueOrDefault("PRETTY_NAME")));
    }

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1];
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var unquoted = new System.Text.StringBuilder();
            for (var i = 1; i < value.Length - 1; i++)
            {
                if (value[i] == '\\' && i + 1 < value.Length - 1)
                {
                    i++;
                }

                unquoted.Append(value[i]);
            }

            return unquoted.ToString();
        }

        return value;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
