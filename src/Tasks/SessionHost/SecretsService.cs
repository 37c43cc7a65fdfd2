using Containerize.SessionHost.Protocol;
using Google.Protobuf;
using Grpc.Core;

namespace Containerize.SessionHost;

/// <summary>Gives a RUN step the secret it mounts, from the values the task sent; tells the task which id was asked for (never the value).</summary>
internal sealed class SecretsService(HostConfiguration configuration, TaskChannel task) : Secrets.SecretsBase
{
    public override Task<GetSecretResponse> GetSecret(GetSecretRequest request, ServerCallContext context)
    {
        var found = configuration.Secrets.TryGetValue(request.ID, out var value);
        task.Send(new HostEvent(SessionMessages.Secret, Id: request.ID, Found: found));
        return found
            ? Task.FromResult(new GetSecretResponse { Data = ByteString.FromBase64(value) })
            : throw new RpcException(new Status(StatusCode.NotFound, $"no secret {request.ID} (ContainerBuildSecret)"));
    }
}
