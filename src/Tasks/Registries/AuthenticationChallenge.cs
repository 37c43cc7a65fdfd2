using System.Net.Http.Headers;
using System.Text;

namespace Containerize.Registries;

/// <summary>
/// One challenge of a WWW-Authenticate header: its scheme (Basic, Bearer) and parameters (realm, service, scope,
/// error), as the distribution token authentication specification describes them.
/// </summary>
internal sealed record AuthenticationChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public bool IsBasic => Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase);

    public bool IsBearer => Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase);

    public string? Realm => Parameter("realm");

    public string? Service => Parameter("service");

    public string? Error => Parameter("error");

    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;

    /// <summary>The challenge of a 401 answer: Bearer when one is offered, else Basic, else null.</summary>
    public static AuthenticationChallenge? Of(HttpResponseMessage response)
    {
        var challenges = response.Headers.NonValidated.TryGetValues("WWW-Authenticate", out var values)
            ? values.Select(Parse).OfType<AuthenticationChallenge>().ToList()
            : [];
        return challenges.FirstOrDefault(c => c.IsBearer) ?? challenges.FirstOrDefault(c => c.IsBasic);
    }

    /// <summary>Parses `Scheme key=value, key="quoted, \"value\""`; null when there is no scheme.</summary>
    public static AuthenticationChallenge? Parse(string header)
    {
        var text = header.Trim();
        var space = text.IndexOf(' ');
        var scheme = space < 0 ? text : text[..space];
        if (scheme.Length == 0)
        {
            return null;
        }

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var position = space < 0 ? text.Length : space + 1;
        while (position < text.Length)
        {
            while (position < text.Length && text[position] is ' ' or ',' or '\t')
            {
                position++;
            }

            var equals = text.IndexOf('=', position);
            if (equals < 0)
            {
                break;
            }

            var name = text[position..equals].Trim();
            position = equals + 1;
            var value = new StringBuilder();
            if (position < text.Length && text[position] == '"')
            {
                position++;
                while (position < text.Length && text[position] != '"')
                {
                    if (text[position] == '\\' && position + 1 < text.Length)
                    {
                        position++;
                    }

                    value.Append(text[position++]);
                }

                position++;
            }
            else
            {
                while (position < text.Length && text[position] != ',')
                {
                    value.Append(text[position++]);
                }
            }

            if (name.Length > 0)
            {
                parameters[name] = value.ToString().Trim();
            }
        }

        return new AuthenticationChallenge(scheme, parameters);
    }

    public static AuthenticationHeaderValue BasicHeader(RegistryCredentials credentials) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));
}
