using Containerize.Backends;
using Containerize.Diagnostics;
using Microsoft.Build.Framework;

namespace Containerize.Tasks;

/// <summary>The RunContainer target's task: runs the built image once, its output in the build log.</summary>
public sealed class RunContainer : EngineTask
{
    /// <summary>The GeneratedContainerImage items of the build; the first one runs.</summary>
    [Required] public ITaskItem[] Images { get; set; } = [];
    /// <summary>ContainerRunArguments: a command line, split as a shell would split plain words and double-quoted strings.</summary>
    public string Arguments { get; set; } = "";
    public ITaskItem[] EnvironmentVariables { get; set; } = [];
    public string DockerHost { get; set; } = "";

    [Output] public int ExitCode { get; set; }

    protected override async Task<bool> ExecuteAsync(CancellationToken cancellation)
    {
        var endpoint = DockerEndpointResolver.ForThisMachine().ResolveRequired(DockerHost);
        using var engine = DockerEngineBackend.Connect(endpoint, this, RetryPolicy.Default);
        var image = Images[0].ItemSpec;
        Log.LogMessage(MessageImportance.High, $"Running {image}");
        var environment = Pairs(EnvironmentVariables).Select(pair => $"{pair.Key}={pair.Value}").ToList();
        var exitCode = await ContainerRunner.RunOnceAsync(
            engine, image, CommandLine.Split(Arguments), environment, line => Log.LogMessage(MessageImportance.High, line), cancellation);
        ExitCode = (int)exitCode;
        if (exitCode != 0)
        {
            Report(Errors.ContainerFailed(image, exitCode));
            return false;
        }

        return true;
    }
}
