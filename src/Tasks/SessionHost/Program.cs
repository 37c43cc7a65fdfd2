using Containerize.SessionHost;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Containerize.SessionHost <socket>: serves BuildKit's session services (Secrets, Auth, FileSync, Health) over HTTP/2 on
// the unix socket until standard input ends. The task pipes the session's connection to that socket: the engine's
// upgraded /session connection, or the tunnel of a standalone BuildKit daemon's Control.Session call.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: Containerize.SessionHost <unix socket path>");
    return 2;
}

var task = new TaskChannel(Console.In, Console.Out);
try
{
    var configuration = task.ReadConfiguration();
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(args[0], listen => listen.Protocols = HttpProtocols.Http2));
    builder.Services.AddGrpc();
    builder.Services.AddSingleton(configuration);
    builder.Services.AddSingleton(task);

    // BuildKit checks the session's health (an empty service name) every few seconds and ends a session that fails it.
    var health = new HealthServiceImpl();
    health.SetStatus("", HealthCheckResponse.Types.ServingStatus.Serving);
    builder.Services.AddSingleton(health);

    await using var app = builder.Build();
    app.MapGrpcService<SecretsService>();
    app.MapGrpcService<AuthService>();
    app.MapGrpcService<FileSyncService>();
    app.MapGrpcService<HealthServiceImpl>();
    await app.StartAsync();
    task.Send(new HostEvent(SessionMessages.Ready));
    await task.ReadAnswersAsync();
    await app.StopAsync();
    return 0;
}
catch (Exception exception)
{
    task.Send(new HostEvent(SessionMessages.Failed, Message: exception.Message));
    return 1;
}
