using System.Text.RegularExpressions;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Unit;

/// <summary>docs/errors.md lists exactly the CTZ codes the code raises: each as a heading or as the first cell of a table row.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed partial class ErrorsDocumentationTests
{
    /// <summary>The text of Errors.cs and its partial files (Errors.*.cs), one code range each.</summary>
    private static string ErrorsSource => string.Join("\n", Directory.GetFiles(Path.Combine(Repository.Root, "src", "Tasks", "Diagnostics"), "Errors*.cs")
        .Order(StringComparer.Ordinal).Select(File.ReadAllText));

    private static string ErrorsDocument => Path.Combine(Repository.Root, "docs", "errors.md");

    [GeneratedRegex(@"CTZ\d{4}")]
    private static partial Regex Code();

    [GeneratedRegex(@"new\(""(CTZ\d{4})""")]
    private static partial Regex FactoryCode();

    private static IEnumerable<string> CodesIn(string text) => Code().Matches(text).Select(match => match.Value);

    /// <summary>Errors.cs and every MSBuild file of the packages (CTZ1002 is raised by buildMultiTargeting/Containerize.targets).</summary>
    private static SortedSet<string> RaisedCodes()
    {
        var files = Directory.EnumerateFiles(Path.Combine(Repository.Root, "src"), "*.*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".targets", StringComparison.Ordinal) || path.EndsWith(".props", StringComparison.Ordinal))
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.ReadAllText)
            .Append(ErrorsSource);
        return new SortedSet<string>(files.SelectMany(CodesIn), StringComparer.Ordinal);
    }

    /// <summary>The codes errors.md lists: in a heading, or in the first cell of a table row.</summary>
    private static List<string> ListedCodes()
    {
        Assert.IsTrue(File.Exists(ErrorsDocument), $"{ErrorsDocument} is missing.");
        var listed = new List<string>();
        foreach (var line in File.ReadLines(ErrorsDocument).Select(line => line.Trim()))
        {
            if (line.StartsWith('#'))
            {
                listed.AddRange(CodesIn(line));
            }
            else if (line.StartsWith('|'))
            {
                listed.AddRange(CodesIn(line.Split('|')[1]));
            }
        }

        return listed;
    }

    [TestMethod]
    public void The_sources_raise_the_codes_this_test_expects_to_find()
    {
        var raised = RaisedCodes();

        Assert.Contains("CTZ1001", raised);
        Assert.Contains("CTZ1002", raised);
        Assert.Contains("CTZ2001", raised);
    }

    [TestMethod]
    public void Every_code_the_sources_raise_is_listed_in_errors_md()
    {
        var missing = RaisedCodes().Except(ListedCodes()).ToList();

        Assert.IsEmpty(missing, "Not listed in docs/errors.md: " + string.Join(", ", missing));
    }

    [TestMethod]
    public void Every_code_errors_md_mentions_is_raised_by_the_sources()
    {
        var unknown = CodesIn(File.ReadAllText(ErrorsDocument)).Distinct().Except(RaisedCodes()).Order(StringComparer.Ordinal).ToList();

        Assert.IsEmpty(unknown, "docs/errors.md mentions codes nothing raises: " + string.Join(", ", unknown));
    }

    [TestMethod]
    public void Each_code_is_listed_once_in_errors_md()
    {
        var repeated = ListedCodes().GroupBy(code => code).Where(group => group.Count() > 1).Select(group => group.Key).ToList();

        Assert.IsEmpty(repeated, "Listed more than once: " + string.Join(", ", repeated));
    }

    [TestMethod]
    public void Each_code_in_Errors_cs_belongs_to_one_message()
    {
        var codes = FactoryCode().Matches(ErrorsSource).Select(match => match.Groups[1].Value).ToList();

        Assert.IsNotEmpty(codes, "No new(\"CTZ…\", …) diagnostics found in Errors.cs.");
        var repeated = codes.GroupBy(code => code).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        Assert.IsEmpty(repeated, "Errors.cs uses these codes for several messages: " + string.Join(", ", repeated));
    }
}
