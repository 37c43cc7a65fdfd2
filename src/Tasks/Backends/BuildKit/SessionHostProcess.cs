using System.Diagnostics;
using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.SessionHost;

namespace Containerize.Backends.BuildKit;

/// <summary>
/// The session host (Containerize.SessionHost, shipped beside the task assembly under session/), run with the
/// dotnet that runs MSBuild: it serves BuildKit's session services on a unix socket in a folder only this user can
/// open. The secrets go to it on its standard input, never through a file or its command line; it asks back for a
/// registry's credentials when the build pulls, and says which secrets were read. Closing its standard input ends it.
/// </summary>
public sealed class SessionHostProcess : IAsyncDisposable
{
    /// <summary>Containerize.SessionHost.dll, beside the task assembly.</summary>
    public static string HostAssembly =>
        Path.Combine(Path.GetDirectoryName(typeof(SessionHostProcess).Assembly.Location)!, "session", "Containerize.SessionHost.dll");

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    private readonly Process process;
    private readonly string folder;
    private readonly Func<string, RegistryCredentials?> credentials;
    private readonly IBuildLog log;
    private readonly Task listening;
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object answering = new();
    private string? failure;

    private SessionHostProcess(Process process, string folder, Func<string, RegistryCredentials?> credentials, IBuildLog log)
    {
        this.process = process;
        this.folder = folder;
        this.credentials = credentials;
        this.log = log;
        listening = Task.Run(ListenAsync);
    }

    /// <summary>The unix socket the host serves.</summary>
    public string Socket => Path.Combine(folder, "s");

    /// <param name="secrets">The build's secrets by id: their values, read just before the build.</param>
    /// <param name="context">The context's entries for a standalone daemon's file sync; null when the context goes as the request's body.</param>
    /// <param name="credentials">A registry host's credentials for the daemon's pulls and pushes (null: anonymous).</param>
    internal static async Task<SessionHostProcess> StartAsync(IReadOnlyDictionary<string, byte[]> secrets, IReadOnlyList<ContextEntry>? context,
        Func<string, RegistryCredentials?> credentials, IBuildLog log, CancellationToken cancellation)
    {
        var folder = Path.Combine(Path.GetTempPath(), "containerize-session-" + Guid.NewGuid().ToString("N")[..12]);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            ArgumentList = { HostAssembly, Path.Combine(folder, "s") },
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("no process was started");
        }
        catch (Exception exception) when (exception is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Directory.Delete(folder, recursive: true);
            throw new ContainerizeException(Errors.SessionHostFailed($"{start.FileName} {HostAssembly} could not be started: {exception.Message}"), exception);
        }

        var host = new SessionHostProcess(process, folder, credentials, log);
        try
        {
            await process.StandardInput.WriteLineAsync(SessionMessages.Line(
                new HostConfiguration(secrets.ToDictionary(secret => secret.Key, secret => Convert.ToBase64String(secret.Value)), context)).AsMemory(), cancellation);
            await process.StandardInput.FlushAsync(cancellation);
            await host.ready.Task.WaitAsync(StartTimeout, cancellation);
            return host;
        }
        catch (Exception exception) when (exception is IOException or TimeoutException)
        {
            await host.DisposeAsync();
            throw new ContainerizeException(Errors.SessionHostFailed(host.failure ?? $"it did not start within {StartTimeout.TotalSeconds:0} s"), exception);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>The dotnet that runs MSBuild (DOTNET_HOST_PATH, which the .NET SDK sets for tasks), else this process's if it is dotnet, else dotnet on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path))
        {
            return path;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
    }

    private async Task ListenAsync()
    {
        try
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                Handle(SessionMessages.Parse<HostEvent>(line));
            }

            var errors = (await process.StandardError.ReadToEndAsync()).Trim();
            failure ??= errors.Length > 0 ? errors : $"it ended with exit code {(process.WaitForExit(1000) ? process.ExitCode : -1)}";
        }
        catch (Exception exception) when (exception is IOException or System.Text.Json.JsonException or ObjectDisposedException)
        {
            failure ??= exception.Message;
        }
        finally
        {
            ready.TrySetException(new IOException(failure ?? "the session host ended"));
        }
    }

    private void Handle(HostEvent message)
    {
        switch (message.Event)
        {
            case SessionMessages.Ready:
                ready.TrySetResult();
                break;
            case SessionMessages.Secret:
                log.Info(message.Found == true
                    ? $"BuildKit session: the build read secret '{message.Id}'"
                    : $"BuildKit session: the build asked for secret '{message.Id}', which no ContainerBuildSecret item declares");
                break;
            case SessionMessages.Credentials:
                Answer(message.Request ?? 0, message.Host ?? "");
                break;
            case SessionMessages.Failed:
                failure = message.Message;
                break;
        }
    }

    /// <summary>Credentials are looked up off the listening loop: a credential helper may take a while.</summary>
    private void Answer(int request, string host) => _ = Task.Run(() =>
    {
        var found = credentials(RegistryNames.Host(host));
        log.Detail($"BuildKit session: the build reaches {host} with {RegistryCredentials.Describe(found)}");
        var answer = found switch
        {
            null => new CredentialsAnswer(request, "", ""),
            { IdentityToken: { Length: > 0 } token } => new CredentialsAnswer(request, "", token),
            _ => new CredentialsAnswer(request, found.Username, found.Password),
        };
        try
        {
            lock (answering)
            {
                process.StandardInput.WriteLine(SessionMessages.Line(answer));
                process.StandardInput.Flush();
            }
        }
        catch (IOException)
        {
            // the host has ended: the build fails on its own account
        }
    });

    /// <summary>Ends the host (its standard input closed; killed if it has not ended in 5 s) and removes its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            lock (answering)
            {
                process.StandardInput.Close();
            }
        }
        catch (IOException)
        {
        }

        using (var stop = new CancellationTokenSource(StopTimeout))
        {
            try
            {
                await process.WaitForExitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        await listening;
        process.Dispose();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
