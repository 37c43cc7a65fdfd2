using System.Diagnostics;
using System.Globalization;

namespace Containerize.Spec;

/// <summary>
/// The committer time of the last commit (HEAD) of the git repository that holds a folder, for the image's creation
/// time when SOURCE_DATE_EPOCH is unset: the same working tree gives the same time, committed changes or not, so a
/// build stays reproducible, and a new commit changes the image config but no layer. Asked of git itself
/// (git log -1 --format=%ct): null when git is missing, the folder is in no repository (or one git refuses), HEAD has
/// no commit, or git does not answer within 10 seconds.
/// </summary>
public static class SourceCommitTime
{
    public static long? Read(string folder)
    {
        if (folder.Length == 0 || !Directory.Exists(folder))
        {
            return null;
        }

        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-C", folder, "log", "-1", "--format=%ct", "HEAD" })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var git = Process.Start(start);
            if (git is null)
            {
                return null;
            }

            var output = git.StandardOutput.ReadToEndAsync();
            _ = git.StandardError.ReadToEndAsync();
            if (!git.WaitForExit(10_000))
            {
                git.Kill(entireProcessTree: true);
                return null;
            }

            return git.ExitCode == 0 && long.TryParse(output.Result.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
