using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using Containerize.Diagnostics;

namespace Containerize.Registries;

/// <summary>
/// The docker credential helper protocol: docker-credential-NAME get, the server on standard input, a JSON object
/// {ServerURL, Username, Secret} on standard output; the user name &lt;token&gt; marks an identity token.
/// </summary>
public static class CredentialHelper
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <returns>The credentials, or null when the helper has none for that server.</returns>
    public static RegistryCredentials? Get(string helper, string serverUrl, string source)
    {
        var program = "docker-credential-" + helper;
        var info = new ProcessStartInfo(program, "get")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new Win32Exception();
        }
        catch (Win32Exception)
        {
            throw new ContainerizeException(Errors.CredentialHelperFailed(program, source, "it is not on PATH"));
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            try
            {
                process.StandardInput.Write(serverUrl);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The helper exited without reading its input (a broken pipe): its exit code tells why.
            }

            // Ctrl+C (the run's cancellation) ends the wait at once, and the helper with it.
            var exited = process.WaitForExitAsync(RunCancellation.Token);
            bool answered;
            try
            {
                answered = exited.Wait(Timeout);
            }
            catch (AggregateException exception) when (exception.InnerException is OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new OperationCanceledException(RunCancellation.Token);
            }

            if (!answered)
            {
                process.Kill(entireProcessTree: true);
                throw new ContainerizeException(Errors.CredentialHelperFailed(program, source, $"it did not answer within {Timeout.TotalSeconds:0} s"));
            }

            var message = (output.Result + error.Result).Trim();
            if (process.ExitCode != 0)
            {
                // The protocol's answer for "nothing stored for this server".
                if (message.Contains("credentials not found", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                throw new ContainerizeException(Errors.CredentialHelperFailed(program, source, $"it exited with code {process.ExitCode}"));
            }

            try
            {
                using var document = JsonDocument.Parse(output.Result);
                var username = document.RootElement.GetProperty("Username").GetString() ?? "";
                var secret = document.RootElement.GetProperty("Secret").GetString() ?? "";
                var from = $"{program} ({source})";
                return username == "<token>"
                    ? new RegistryCredentials("", "", secret, from)
                    : new RegistryCredentials(username, secret, null, from);
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                throw new ContainerizeException(Errors.CredentialHelperFailed(program, source, "its answer is not the JSON object of the credential helper protocol"));
            }
        }
    }
}
