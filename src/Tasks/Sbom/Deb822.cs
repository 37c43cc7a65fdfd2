namespace Containerize.Sbom;

/// <summary>Paragraphs of "Key: value" lines separated by blank lines: dpkg's status and apk's installed database.</summary>
internal static class Deb822
{
    /// <summary>Each paragraph's fields (the first value of a key wins; continuation lines are not kept).</summary>
    /// <param name="singleLetterKeys">apk's form: "P:name", the key one letter, the value right after the colon.</param>
    public static IEnumerable<Dictionary<string, string>> Paragraphs(string text, char separator, bool singleLetterKeys = false)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                if (fields.Count > 0)
                {
                    yield return fields;
                    fields = new Dictionary<string, string>(StringComparer.Ordinal);
                }

                continue;
            }

            if (line[0] is ' ' or '\t' or '#')
            {
                continue;
            }

            var colon = line.IndexOf(separator);
            if (colon <= 0 || (singleLetterKeys && colon != 1))
            {
                continue;
            }

            fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }

        if (fields.Count > 0)
        {
            yield return fields;
        }
    }
}
