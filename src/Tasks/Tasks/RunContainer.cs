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
        var image = Images[0].ItemSpec;
        var imageId = Images[0].GetMetadata("ImageId");
        if (Images[0].GetMetadata("InEngine") != "true")
        {
            // The engine may hold an older image of that name: never run it in place of this run's.
            Report(NotInEngine(image, Images[0].GetMetadata("Digest"), Images[0].GetMetadata("Archive")));
            return false;
        }

        var endpoint = DockerEndpointResolver.ForThisMachine().ResolveRequired(DockerHost);
        using var engine = DockerEngineBackend.Connect(endpoint, this, RetryPolicy.Default);
        Log.LogMessage(MessageImportance.High, $"Running {image} ({imageId})");
        var environment = Pairs(EnvironmentVariables).Select(pair => $"{pair.Key}={pair.Value}").ToList();
        var exitCode = await ContainerRunner.RunOnceAsync(
            engine.Requests, imageId, CommandLine.Split(Arguments), environment, line => Log.LogMessage(MessageImportance.High, line), cancellation);
        ExitCode = (int)exitCode;
        if (exitCode != 0)
        {
            Report(Errors.ContainerFailed(image, exitCode));
            return false;
        }

        return true;
    }

    private static Diagnostic NotInEngine(string image, string digest, string archive)
    {
        var pushedAs = digest.Length > 0 ? $"{(image.LastIndexOf(':') > image.LastIndexOf('/') ? image[..image.LastIndexOf(':')] : image)}@{digest}" : "";
        var went = string.Join(" and ", new[] { pushedAs.Length > 0 ? $"was pushed as {pushedAs}" : "", archive.Length > 0 ? $"was written to {archive}" : "" }.Where(part => part.Length > 0));
        var instead = pushedAs.Length > 0 ? $"Run it with: docker run --rm {pushedAs}."
            : archive.Length > 0 ? $"Run it with: docker load -i {archive} && docker run --rm {image}." : "";
        return Errors.ImageNotInEngine(image, went.Length > 0 ? went : "went nowhere an engine holds", instead);
    }
}
