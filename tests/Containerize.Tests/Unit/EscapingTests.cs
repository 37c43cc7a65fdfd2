using System.Text.Json;
using Containerize.Dockerfile;
using Containerize.Spec;
using Containerize.Tests.Unit.Support;

namespace Containerize.Tests.Unit;

/// <summary>
/// Whatever a value holds, the Dockerfile carries it unchanged inside one instruction: ENV and LABEL values as
/// double-quoted words, ENTRYPOINT and CMD as JSON arrays. Values that no instruction can hold are CTZ errors.
/// </summary>
[TestClass]
[TestCategory("Unit")]
public sealed class EscapingTests
{
    private const string Injection = "x\"\nRUN rm -rf /";

    private static readonly string FourKilobytes = string.Concat(Enumerable.Repeat("0123456789abcde\"", 256));

    private static string DockerfileOf(ContainerSettings settings) =>
        DockerfileWriter.Write(BaseImageCompletion.Complete(
            Resolution.Succeeds(Projects.Console(), settings with { GenerateLabels = false }), BaseImages.DotNet()));

    private static DockerfileInstruction Single(string dockerfile, string keyword) =>
        DockerfileReader.Instructions(dockerfile).Single(instruction => instruction.Keyword == keyword);

    private static string[] Lines(string dockerfile) => dockerfile.Split('\n');

    [TestMethod]
    [DataRow("say \"hi\"", "ENV V=\"say \\\"hi\\\"\"")]
    [DataRow(@"C:\path\", @"ENV V=""C:\\path\\""")]
    [DataRow("$HOME", "ENV V=\"\\$HOME\"")]
    [DataRow("${X}", "ENV V=\"\\${X}\"")]
    [DataRow("a\\$b", "ENV V=\"a\\\\\\$b\"")]
    [DataRow("café 日本 🚀", "ENV V=\"café 日本 🚀\"")]
    [DataRow("a\tb", "ENV V=\"a\tb\"")]
    [DataRow("", "ENV V=\"\"")]
    [DataRow("x\" \\", "ENV V=\"x\\\" \\\\\"")]
    [DataRow("'single' `tick` #hash", "ENV V=\"'single' `tick` #hash\"")]
    public void An_environment_value_is_one_double_quoted_word_that_reads_back_unchanged(string value, string expectedLine)
    {
        var dockerfile = DockerfileOf(new ContainerSettings { EnvironmentVariables = [new("V", value)] });

        Assert.Contains(expectedLine, Lines(dockerfile));
        Assert.AreSequenceEqual(new KeyValuePair<string, string>[] { new("V", value) }, DockerfileReader.Pairs(Single(dockerfile, "ENV").Arguments));
    }

    [TestMethod]
    [DataRow("say \"hi\"", "LABEL \"com.example.v\"=\"say \\\"hi\\\"\"")]
    [DataRow(@"\\server\share", @"LABEL ""com.example.v""=""\\\\server\\share""")]
    [DataRow("${X} and $Y", "LABEL \"com.example.v\"=\"\\${X} and \\$Y\"")]
    [DataRow("é 日本 👍", "LABEL \"com.example.v\"=\"é 日本 👍\"")]
    [DataRow("\tindented", "LABEL \"com.example.v\"=\"\tindented\"")]
    public void A_label_value_is_one_double_quoted_word_that_reads_back_unchanged(string value, string expectedLine)
    {
        var dockerfile = DockerfileOf(new ContainerSettings { Labels = [new("com.example.v", value)] });

        Assert.Contains(expectedLine, Lines(dockerfile));
        Assert.AreSequenceEqual(new KeyValuePair<string, string>[] { new("com.example.v", value) }, DockerfileReader.Pairs(Single(dockerfile, "LABEL").Arguments));
    }

    [TestMethod]
    public void A_4_KB_value_stays_on_one_line_and_reads_back_unchanged()
    {
        var dockerfile = DockerfileOf(new ContainerSettings { EnvironmentVariables = [new("BIG", FourKilobytes)], Labels = [new("big", FourKilobytes)] });

        Assert.Contains("ENV BIG=\"" + FourKilobytes.Replace("\"", "\\\"") + "\"", Lines(dockerfile));
        Assert.AreEqual(FourKilobytes, DockerfileReader.Pairs(Single(dockerfile, "ENV").Arguments).Single().Value);
        Assert.AreEqual(FourKilobytes, DockerfileReader.Pairs(Single(dockerfile, "LABEL").Arguments).Single().Value);
    }

    [TestMethod]
    public void Several_environment_variables_read_back_in_order_from_one_ENV_instruction()
    {
        KeyValuePair<string, string>[] variables = [new("A", "1 2"), new("B", "\\"), new("C", "\"$C\""), new("D_E.F-G", "日本")];

        var dockerfile = DockerfileOf(new ContainerSettings { EnvironmentVariables = variables });

        Assert.AreSequenceEqual(variables, DockerfileReader.Pairs(Single(dockerfile, "ENV").Arguments));
    }

    [TestMethod]
    [DataRow("line\nbreak")]
    [DataRow("carriage\rreturn")]
    [DataRow("nul\0char")]
    [DataRow(Injection)]
    public void An_environment_value_with_a_line_break_or_NUL_is_CTZ1011_naming_the_variable(string value)
    {
        var error = Resolution.FailsWith("CTZ1011", Projects.Console(), new ContainerSettings { EnvironmentVariables = [new("MY_VAR", value)] });

        Assert.Contains("The value of ContainerEnvironmentVariable 'MY_VAR' holds a newline, carriage return or NUL character", error.Message);
    }

    [TestMethod]
    public void A_line_break_from_the_environment_property_is_CTZ1011_too() =>
        Assert.Contains("'FROM_PROPERTY'",
            Resolution.FailsWith("CTZ1011", Projects.Console(), new ContainerSettings { EnvironmentVariablesProperty = "FROM_PROPERTY=a\nb" }).Message);

    [TestMethod]
    [DataRow("line\nbreak")]
    [DataRow("carriage\rreturn")]
    [DataRow("nul\0char")]
    [DataRow(Injection)]
    public void A_label_value_with_a_line_break_or_NUL_is_CTZ1011_naming_the_label(string value)
    {
        var error = Resolution.FailsWith("CTZ1011", Projects.Console(), new ContainerSettings { Labels = [new("com.example.note", value)] });

        Assert.Contains("The value of ContainerLabel 'com.example.note' holds a newline", error.Message);
    }

    [TestMethod]
    public void The_writer_itself_refuses_a_line_break_that_skipped_the_resolver()
    {
        var spec = BaseImageCompletion.Complete(Resolution.Succeeds(Projects.Console()), BaseImages.DotNet())
            with { Environment = [new("A", Injection)] };

        Assert.ThrowsExactly<ArgumentException>(() => DockerfileWriter.Write(spec));
    }

    [TestMethod]
    public void A_value_ending_in_a_backslash_never_continues_the_instruction_onto_the_next_line()
    {
        const string value = "x\" RUN rm -rf / \\";
        var dockerfile = DockerfileOf(new ContainerSettings { EnvironmentVariables = [new("A", value)] });

        Assert.Contains("ENV A=\"x\\\" RUN rm -rf / \\\\\"", Lines(dockerfile));
        Assert.AreSequenceEqual(new[] { "FROM", "ENV", "WORKDIR", "USER", "ENTRYPOINT" }, DockerfileReader.Instructions(dockerfile).Select(i => i.Keyword).ToArray());
        Assert.AreEqual(value, DockerfileReader.Pairs(Single(dockerfile, "ENV").Arguments).Single().Value);
    }

    [TestMethod]
    public void Command_arguments_are_written_as_JSON_strings()
    {
        var dockerfile = DockerfileOf(new ContainerSettings { AppCommandArgs = ["say \"hi\"", @"C:\dir\", "$HOME", "a\tb", "<&>'+"] });

        Assert.Contains(@"ENTRYPOINT [""dotnet"", ""/app/HelloDocker.dll"", ""say \""hi\"""", ""C:\\dir\\"", ""$HOME"", ""a\tb"", ""<&>'+""]", Lines(dockerfile));
    }

    [TestMethod]
    [DataRow("say \"hi\"")]
    [DataRow(@"back\slash\")]
    [DataRow("two\nlines")]
    [DataRow("carriage\r\nreturn")]
    [DataRow("${NOT_EXPANDED}")]
    [DataRow("é 日本 🚀")]
    [DataRow("\ttab")]
    [DataRow(Injection)]
    public void ENTRYPOINT_and_CMD_arguments_round_trip_through_JSON_on_one_line(string value)
    {
        var dockerfile = DockerfileOf(new ContainerSettings { AppCommandArgs = [value], DefaultArgs = [value, "second"] });

        var entrypoint = Single(dockerfile, "ENTRYPOINT").Arguments;
        var cmd = Single(dockerfile, "CMD").Arguments;
        Assert.AreSequenceEqual(new[] { "dotnet", "/app/HelloDocker.dll", value }, JsonSerializer.Deserialize<string[]>(entrypoint)!);
        Assert.AreSequenceEqual(new[] { value, "second" }, JsonSerializer.Deserialize<string[]>(cmd)!);
        Assert.Contains("ENTRYPOINT " + entrypoint, Lines(dockerfile));
        Assert.Contains("CMD " + cmd, Lines(dockerfile));
    }

    [TestMethod]
    public void A_newline_in_a_command_argument_never_starts_a_second_instruction()
    {
        var dockerfile = DockerfileOf(new ContainerSettings { AppCommandArgs = [Injection] });

        Assert.Contains("ENTRYPOINT [\"dotnet\", \"/app/HelloDocker.dll\", \"x\\\"\\nRUN rm -rf /\"]", Lines(dockerfile));
        Assert.AreSequenceEqual(new[] { "FROM", "WORKDIR", "USER", "ENTRYPOINT" }, DockerfileReader.Instructions(dockerfile).Select(i => i.Keyword).ToArray());
    }

    [TestMethod]
    [DataRow("ContainerAppCommand")]
    [DataRow("ContainerAppCommandArgs")]
    [DataRow("ContainerDefaultArgs")]
    public void A_NUL_in_a_command_is_CTZ1024_naming_the_item(string item)
    {
        string[] values = ["ok", "n\0l"];
        var settings = item switch
        {
            "ContainerAppCommand" => new ContainerSettings { AppCommand = values },
            "ContainerAppCommandArgs" => new ContainerSettings { AppCommandArgs = values },
            _ => new ContainerSettings { DefaultArgs = values },
        };

        var error = Resolution.FailsWith("CTZ1024", Projects.Console(), settings);

        Assert.AreEqual($"{item} holds a NUL character, which no command line can pass. Remove it.", error.Message);
    }

    [TestMethod]
    public void The_quote_function_escapes_only_backslash_quote_and_dollar() =>
        Assert.AreEqual("\"\\\\ \\\" \\$ ' ` \t é\"", DockerfileWriter.Quote("\\ \" $ ' ` \t é"));
}
