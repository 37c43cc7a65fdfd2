namespace Containerize.Registries.Handlers;

/// <summary>
/// The outermost step of the registry pipeline: an answer worth trying again (a 5xx, or 429 Too Many Requests),
/// from the registry or from where it redirected, becomes a <see cref="TransientRegistryException"/> naming the
/// operation, which the <see cref="OperationRunner"/> tries again and reports as CTZ3010 once the attempts are used up.
/// </summary>
internal sealed class TransientAnswerHandler(RegistryEndpoint endpoint) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellation)
    {
        var response = await base.SendAsync(request, cancellation);
        return RegistryFailures.IsTransientStatus(response.StatusCode)
            ? throw await RegistryFailures.UnexpectedAsync(endpoint, response, RegistryRequestContext.Of(request).Operation, cancellation)
            : response;
    }
}
