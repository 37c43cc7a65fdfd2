using Containerize.SessionHost.Protocol;
using Grpc.Core;

namespace Containerize.SessionHost;

/// <summary>A registry's credentials for the daemon's pulls, asked of the task, which resolves them as for its own pulls.</summary>
internal sealed class AuthService(TaskChannel task) : Auth.AuthBase
{
    public override async Task<CredentialsResponse> Credentials(CredentialsRequest request, ServerCallContext context)
    {
        var answer = await task.AskCredentialsAsync(request.Host, context.CancellationToken);
        return new CredentialsResponse { Username = answer.Username, Secret = answer.Secret };
    }
}
