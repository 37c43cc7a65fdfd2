using System.Runtime.InteropServices;
using Containerize.Bench;

// The benchmark of issue 6: Containerize (engine backend per builder and engine, daemonless backend) against the
// .NET SDK's PublishContainer.
// Run it through eng/bench/run.sh (which starts the test environment and packs Containerize); see eng/bench/README.md.
if (args.Contains("-h") || args.Contains("--help"))
{
    Console.WriteLine(Options.Usage);
    return 0;
}
Options o;
try
{
    o = Options.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(Options.Usage);
    return 2;
}

var bench = new Bench(o);
if (o.DryRun)
{
    var problems = bench.Check(dryRun: true);
    bench.PrintPlan();
    Console.WriteLine(problems.Count == 0 ? "dry run: ready (nothing was built)" : "dry run: not ready");
    return problems.Count == 0 ? 0 : 1;
}

if (bench.Check(dryRun: false).Count > 0) return 1;
bench.PrintPlan();
Console.WriteLine();

void Interrupted(PosixSignalContext ctx)
{
    ctx.Cancel = true;
    Console.Error.WriteLine($"interrupted ({ctx.Signal}): cleaning up");
    bench.Cleanup();
    Environment.Exit(130);
}
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupted);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupted);

var exit = 0;
try
{
    bench.Setup();
    if (!o.SkipMain) bench.RunMain();
    if (!o.SkipMemory) bench.RunMemory();
    if (!o.SkipScale) bench.RunScale();
}
catch (BenchFailure e)
{
    bench.Failures.Add(e.Message);
    Console.Error.WriteLine($"FAILED: {e.Message}");
}
catch (OperationCanceledException)
{
    return 130;
}
finally
{
    bench.Cleanup();
}
if (bench.Failures.Count > 0) exit = 1;

var command = "eng/bench/run.sh" + (args.Length > 0 ? " " + string.Join(' ', args.Where(a => a != "--repo" && a != o.Repo)) : "");
var report = Report.Build(bench, command.TrimEnd());
Console.WriteLine();
Console.WriteLine(report);
if (!o.NoDoc && (o.Complete || o.DocGiven))
{
    if (bench.Results.Count == 0 || (bench.Failures.Count > 0 && !o.DocGiven))
        Console.WriteLine($"not writing {o.DocPath}: the run failed");
    else
    {
        File.WriteAllText(o.DocPath, report);
        Console.WriteLine($"wrote {o.DocPath}");
    }
}
Console.WriteLine($"done in {bench.ElapsedText}{(exit == 0 ? "" : ", with failures")}");
return exit;
