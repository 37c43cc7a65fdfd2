using System.Text;

namespace Containerize.Sbom;

/// <summary>
/// Package URLs (purl, github.com/package-url/purl-spec) in their canonical form: each part percent-encoded except
/// the unreserved characters A–Z a–z 0–9 . - _ ~ (so '+' is %2B and ':' %3A, as the spec's pkg:oci example writes a
/// digest), '/' kept in qualifier values (repository_url), qualifiers sorted by key, empty ones left out.
/// </summary>
internal static class PackageUrl
{
    public static string Create(string type, string? @namespace, string name, string? version, IEnumerable<KeyValuePair<string, string?>>? qualifiers = null)
    {
        var purl = new StringBuilder("pkg:").Append(type).Append('/');
        if (!string.IsNullOrEmpty(@namespace))
        {
            purl.Append(string.Join('/', @namespace.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(segment => Encode(segment, keepSlash: false)))).Append('/');
        }

        purl.Append(Encode(name, keepSlash: false));
        if (!string.IsNullOrEmpty(version))
        {
            purl.Append('@').Append(Encode(version, keepSlash: false));
        }

        var sorted = (qualifiers ?? [])
            .Where(pair => !string.IsNullOrEmpty(pair.Value))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => pair.Key + "=" + Encode(pair.Value!, keepSlash: true))
            .ToList();
        if (sorted.Count > 0)
        {
            purl.Append('?').Append(string.Join('&', sorted));
        }

        return purl.ToString();
    }

    public static string NuGet(string id, string version) => Create("nuget", null, id, version);

    private static string Encode(string text, bool keepSlash)
    {
        var encoded = new StringBuilder(text.Length);
        foreach (var value in Encoding.UTF8.GetBytes(text))
        {
            var c = (char)value;
            if (c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-' or '_' or '~' || (keepSlash && c == '/'))
            {
                encoded.Append(c);
            }
            else
            {
                encoded.Append('%').Append(value.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
