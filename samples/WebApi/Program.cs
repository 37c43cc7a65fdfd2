var app = WebApplication.CreateBuilder(args).Build();

app.MapGet("/", () => "Hello from the WebApi container!");
app.MapGet("/healthz", () => Results.Ok("healthy"));

app.Run();
