using System.Text;

namespace Containerize.Tests.Unit.Support;

/// <summary>
/// Reads generated Dockerfiles the way the engine's parser does, for what the tests need: logical lines (a line
/// ending in '\' continues on the next), comments, and double-quoted words in which '\' escapes only '\', '"'
/// and '$' (any other backslash stays), while an unescaped '$' would be expanded.
/// </summary>
internal static class DockerfileReader
{
    public static IReadOnlyList<DockerfileInstruction> Instructions(string dockerfile)
    {
        var instructions = new List<DockerfileInstruction>();
        var logical = new StringBuilder();
        foreach (var line in dockerfile.Split('\n'))
        {
            if (logical.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            var trimmed = line.TrimEnd(' ', '\t');
            if (trimmed.EndsWith('\\'))
            {
                logical.Append(trimmed[..^1]);
                continue;
            }

            logical.Append(line);
            var text = logical.ToString();
            logical.Clear();
            var space = text.IndexOf(' ');
            instructions.Add(space < 0 ? new(text, "") : new(text[..space], text[(space + 1)..]));
        }

        Assert.AreEqual(0, logical.Length, "The Dockerfile ends inside a continued instruction.");
        return instructions;
    }

    /// <summary>The NAME=VALUE pairs of an ENV or LABEL instruction; values (and keys when quoted) are double-quoted words.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Pairs(string arguments)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        var position = 0;
        while (true)
        {
            while (position < arguments.Length && arguments[position] is ' ' or '\t')
            {
                position++;
            }

            if (position == arguments.Length)
            {
                return pairs;
            }

            string key;
            if (arguments[position] == '"')
            {
                key = ReadDoubleQuotedWord(arguments, ref position);
            }
            else
            {
                var equals = arguments.IndexOf('=', position);
                Assert.IsGreaterThan(position, equals, "A pair without '=': " + arguments[position..]);
                key = arguments[position..equals];
                position = equals;
            }

            Assert.AreEqual('=', arguments[position], "Expected '=' after the key " + key);
            position++;
            var value = ReadDoubleQuotedWord(arguments, ref position);
            Assert.IsTrue(position == arguments.Length || arguments[position] is ' ' or '\t', "A value must end at whitespace: " + arguments[position..]);
            pairs.Add(new(key, value));
        }
    }

    /// <summary>Reads the double-quoted word that starts at <paramref name="position"/> and moves past it.</summary>
    public static string ReadDoubleQuotedWord(string text, ref int position)
    {
        Assert.AreEqual('"', text[position], "A double-quoted word starts with '\"'.");
        position++;
        var value = new StringBuilder();
        while (true)
        {
            Assert.IsLessThan(text.Length, position, "The double-quoted word is not closed.");
            var c = text[position++];
            switch (c)
            {
                case '"':
                    return value.ToString();
                case '\\' when position < text.Length && text[position] is '\\' or '"' or '$':
                    value.Append(text[position++]);
                    break;
                case '$':
                    Assert.Fail("An unescaped '$' in a double-quoted word would be expanded: " + text);
                    break;
                case '\n' or '\r':
                    Assert.Fail("A line break inside a word ends the instruction: " + text);
                    break;
                default:
                    value.Append(c);
                    break;
            }
        }
    }
}
