using Containerize.Backends;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class CommandLineTests
{
    [TestMethod]
    [DataRow("a b  c", new[] { "a", "b", "c" })]
    [DataRow("a\tb\nc\r\nd", new[] { "a", "b", "c", "d" })]
    [DataRow("  leading and trailing  ", new[] { "leading", "and", "trailing" })]
    [DataRow("\"a b\" c", new[] { "a b", "c" })]
    [DataRow("--name=\"Ada Lovelace\" -v", new[] { "--name=Ada Lovelace", "-v" })]
    [DataRow("x\"y z\"w", new[] { "xy zw" })]
    [DataRow("\"say \\\"hi\\\"\"", new[] { "say \"hi\"" })]
    [DataRow("a\\\"b", new[] { "a\"b" })]
    [DataRow("a\\\\b", new[] { "a\\b" })]
    [DataRow("C:\\dir\\file.txt", new[] { "C:\\dir\\file.txt" })]
    [DataRow("trailing\\", new[] { "trailing\\" })]
    [DataRow("\"\" b", new[] { "", "b" })]
    [DataRow("\"unterminated quote", new[] { "unterminated quote" })]
    [DataRow("$HOME 'single'", new[] { "$HOME", "'single'" })]
    [DataRow("café 日本 🚀", new[] { "café", "日本", "🚀" })]
    public void A_command_line_splits_into_the_arguments_a_shell_user_expects(string commandLine, string[] expected) =>
        Assert.AreSequenceEqual(expected, CommandLine.Split(commandLine));

    [TestMethod]
    [DataRow("")]
    [DataRow("   ")]
    [DataRow("\t\n")]
    public void An_empty_command_line_has_no_argument(string commandLine) =>
        Assert.IsEmpty(CommandLine.Split(commandLine));
}
