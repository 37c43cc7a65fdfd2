using System.Diagnostics;
namespace Containerize.Tests.Infrastructure;

/// <summary>
/// A brand-new project in a temporary folder that consumes the packed package, as a user's would, and the
/// dotnet commands run on it. Disposing removes the folder and the images it tagged.
/// </summary>
public sealed class TestProject : IDisposable
{
    private readonly List<string> images = [];

    private TestProject(string name)
    {
        Name = name;
        Directory = Path.Combine(Path.GetTempPath(), "containerize-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(TemporaryDirectory);
        File.WriteAllText(Path.Combine(Directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="containerize-local" value="{Repository.PackagesDirectory}" />
              </packageSources>
            </configuration>
            """);
    }

    public string Name { get; }

    public string Directory { get; }

    /// <summary>
    /// TMPDIR of the dotnet commands run on the project: what Containerize makes in the temporary folder (the BuildKit
    /// session host's folder) is this project's own to look for, whatever else runs on the machine (eng/test.sh runs
    /// two test passes side by side).
    /// </summary>
    public string TemporaryDirectory => Path.Combine(Directory, "tmp");

    public string ProjectPath => Path.Combine(Directory, Name + ".csproj");

    /// <summary>An empty folder (with the nuget.config) for a project the test writes itself.</summary>
    public static TestProject Empty(string name) => new(name);

    /// <summary>A project that references the Containerize package.</summary>
    /// <param name="sdk">Microsoft.NET.Sdk or Microsoft.NET.Sdk.Web.</param>
    /// <param name="properties">Extra PropertyGroup content.</param>
    /// <param name="items">Extra ItemGroup content.</param>
    public static TestProject Create(string name, string program, string sdk = "Microsoft.NET.Sdk", string properties = "", string items = "", string outputType = "Exe")
    {
        var project = new TestProject(name);
        project.WriteProject($"""
            <Project Sdk="{sdk}">
              <PropertyGroup>
                <OutputType>{outputType}</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Version>1.0.0</Version>
                {properties}
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Containerize" Version="{PackedPackages.Version}" PrivateAssets="all" />
                {items}
              </ItemGroup>
            </Project>
            """);
        project.WriteFile("Program.cs", program);
        return project;
    }

    /// <summary>A copy of samples/NAME (but its bin and obj), referencing the freshly packed package version.</summary>
    public static TestProject FromSample(string sample)
    {
        var project = new TestProject(sample);
        var source = Path.Combine(Repository.SamplesDirectory, sample);
        var sourceFiles = System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .Where(file => Path.GetRelativePath(source, file).Split(Path.DirectorySeparatorChar)[0] is not ("bin" or "obj"));
        foreach (var file in sourceFiles)
        {
            var text = File.ReadAllText(file);
            if (file.EndsWith(".csproj"))
            {
                text = System.Text.RegularExpressions.Regex.Replace(
                    text, "(<PackageReference Include=\"Containerize\" Version=\")[^\"]*", "${1}" + PackedPackages.Version);
            }

            project.WriteFile(Path.GetRelativePath(source, file), text);
        }

        return project;
    }

    /// <summary>The staged build context: obj/Release/net10.0/containerize/.</summary>
    public string ContextDirectory => Path.Combine(Directory, "obj", "Release", "net10.0", "containerize");

    public string DockerfilePath => Path.Combine(ContextDirectory, "Dockerfile");

    /// <summary>
    /// A console app on the few-MB busybox base (<see cref="TestEnvironment.TinyBase"/>), tagged REPOSITORY:1.0.0: for
    /// pushes and other engines, where the image is checked but not run (the base has no .NET).
    /// </summary>
    public static TestProject OnTinyBase(string name, string repository) => Create(name, "Console.WriteLine(\"tiny\");\n",
        properties: $"<ContainerRepository>{repository}</ContainerRepository><ContainerImageTag>1.0.0</ContainerImageTag><ContainerBaseImage>{TestEnvironment.TinyBase}</ContainerBaseImage>");

    public void WriteProject(string text) => File.WriteAllText(ProjectPath, text);

    public void WriteFile(string relativePath, string text)
    {
        var path = Path.Combine(Directory, relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>dotnet publish with the base registry of the test environment, and the given arguments.</summary>
    public ProcessResult Publish(params string[] arguments) => Publish(new Dictionary<string, string?>(), arguments);

    /// <summary>dotnet publish with these environment variables set (null: removed).</summary>
    public ProcessResult Publish(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Dotnet(["publish", ProjectPath, "-p:ContainerBaseRegistry=" + TestEnvironment.BaseRegistry, .. arguments], environment);

    /// <summary>dotnet publish in the background, as a user runs it in a terminal, each output line passed to <paramref name="onLine"/>.</summary>
    public Process StartPublish(Action<string> onLine, params string[] arguments) => StartPublish(onLine, new Dictionary<string, string?>(), arguments);

    public Process StartPublish(Action<string> onLine, IReadOnlyDictionary<string, string?> environment, params string[] arguments)
    {
        // Through env, SIGINT back to its default action: a test run started in the background by a non-interactive
        // shell ignores SIGINT, dotnet would inherit that, and Ctrl+C (Interrupt) would never reach it.
        var info = new ProcessStartInfo("env") { WorkingDirectory = Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--default-signal=INT", "dotnet", "publish", "-p:ContainerBaseRegistry=" + TestEnvironment.BaseRegistry }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["NUGET_PACKAGES"] = PackedPackages.NuGetFolder;
        info.Environment["TMPDIR"] = TemporaryDirectory;
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { onLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>
    /// Ctrl+C as a terminal sends it (SIGINT to the dotnet of <see cref="StartPublish(Action{string}, string[])"/>); true
    /// when the publish then ends, and its output has been read to the end, within <paramref name="within"/>.
    /// </summary>
    public static bool Interrupt(Process process, TimeSpan within)
    {
        ProcessRunner.Run("kill", ["-INT", process.Id.ToString()]).ShouldSucceed();
        using var deadline = new CancellationTokenSource(within);
        try
        {
            // Unlike WaitForExit(TimeSpan), this also waits for the last lines of the output.
            process.WaitForExitAsync(deadline.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public ProcessResult Dotnet(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = PackedPackages.NuGetFolder,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
            ["MSBUILDNOINPROCNODE"] = null,
            ["TMPDIR"] = TemporaryDirectory,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        return ProcessRunner.Run("dotnet", arguments, Directory, variables, TimeSpan.FromMinutes(5));
    }

    /// <summary>Remembers an image to remove when the test ends.</summary>
    public string Track(string reference)
    {
        images.Add(reference);
        return reference;
    }

    public void Dispose()
    {
        foreach (var image in images)
        {
            ProcessRunner.Run("docker", ["rmi", "-f", image], timeout: TimeSpan.FromMinutes(1));
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
