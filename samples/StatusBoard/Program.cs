using System.Text.Json;

// The board's settings come from a file the image adds (ContainerFile); its visit count lives in the one folder
// the app may write (ContainerWritableDirectory).
const string settingsPath = "/etc/status-board/board.json";
const string dataFolder = "/var/lib/status-board";

var app = WebApplication.CreateBuilder(args).Build();
var title = File.Exists(settingsPath)
    ? JsonDocument.Parse(File.ReadAllText(settingsPath)).RootElement.GetProperty("title").GetString()
    : "Status board (no settings file)";

app.MapGet("/", () =>
{
    var counter = Path.Combine(dataFolder, "visits");
    var visits = (File.Exists(counter) ? int.Parse(File.ReadAllText(counter)) : 0) + 1;
    File.WriteAllText(counter, visits.ToString());
    return $"{title}: visit {visits}";
});
app.MapGet("/healthz", () => Results.Ok("healthy"));

app.Run();
