using System.Text;
using Containerize.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Containerize.Backends;

/// <summary>
/// Runs an image once, like 'docker run --rm --network host IMAGE ARGS': output into the log line by line,
/// the exit code returned, the container removed afterwards — also when the run is cancelled.
/// </summary>
public static class ContainerRunner
{
    public static async Task<long> RunOnceAsync(
        EngineRequests engine, string image, IReadOnlyList<string> arguments, IReadOnlyList<string> environment,
        Action<string> output, CancellationToken cancellation)
    {
        var client = engine.Client;
        var parameters = new CreateContainerParameters
        {
            Image = image,
            Env = environment.ToList(),
            AttachStdout = true,
            AttachStderr = true,
            Tty = false,
            HostConfig = new HostConfig { NetworkMode = "host" },
        };
        if (arguments.Count > 0)
        {
            parameters.Cmd = arguments.ToList();
        }

        var created = await engine.Call("create a container", () => client.Containers.CreateContainerAsync(parameters, cancellation));

        try
        {
            await engine.Call("start the container", () => client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellation));
            using (var stream = await engine.Call("read the container's output", () => client.Containers.GetContainerLogsAsync(
                created.ID, new ContainerLogsParameters { Follow = true, ShowStdout = true, ShowStderr = true }, cancellation)))
            {
                await CopyLinesAsync(stream, output, cancellation);
            }

            var exit = await engine.Call("wait for the container", () => client.Containers.WaitContainerAsync(created.ID, cancellation));
            return exit.StatusCode;
        }
        finally
        {
            // Also after Ctrl+C: force removal stops the container first, as docker run --rm does.
            await engine.Call("remove the container", () => client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true }, CancellationToken.None));
        }
    }

    private static async Task CopyLinesAsync(MultiplexedStream stream, Action<string> output, CancellationToken cancellation)
    {
        var buffer = new byte[8192];
        var pending = new StringBuilder();
        var decoder = Encoding.UTF8.GetDecoder();
        var characters = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellation);
            if (read.EOF)
            {
                break;
            }

            var count = decoder.GetChars(buffer, 0, read.Count, characters, 0);
            pending.Append(characters, 0, count);
            int newline;
            while ((newline = pending.ToString().IndexOf('\n')) >= 0)
            {
                output(pending.ToString(0, newline).TrimEnd('\r'));
                pending.Remove(0, newline + 1);
            }
        }

        if (pending.Length > 0)
        {
            output(pending.ToString());
        }
    }
}
