using Containerize.Diagnostics;
using Containerize.Spec;

namespace Containerize.Tests.Unit.Support;

/// <summary>Runs <see cref="SpecResolver"/> and checks its verdict.</summary>
internal static class Resolution
{
    /// <summary>Resolves a spec that must have no error; returns it with every diagnostic reported.</summary>
    public static ContainerSpec Succeeds(ProjectFacts project, ContainerSettings? settings, out List<Diagnostic> diagnostics)
    {
        diagnostics = [];
        var spec = SpecResolver.Resolve(project, settings ?? new ContainerSettings(), diagnostics);
        var errors = diagnostics.Where(d => d.Severity == Severity.Error).ToList();
        if (spec is null || errors.Count > 0)
        {
            Assert.Fail("Expected no error, got: " + string.Join(" | ", errors));
        }

        return spec!;
    }

    public static ContainerSpec Succeeds(ProjectFacts project, ContainerSettings? settings = null) => Succeeds(project, settings, out _);

    /// <summary>Resolves settings that must fail with the given code; returns that diagnostic (the only one with the code).</summary>
    public static Diagnostic FailsWith(string code, ProjectFacts project, ContainerSettings settings) => FailsWithAll(code, project, settings).Single();

    public static List<Diagnostic> FailsWithAll(string code, ProjectFacts project, ContainerSettings settings)
    {
        var diagnostics = new List<Diagnostic>();
        var spec = SpecResolver.Resolve(project, settings, diagnostics);
        Assert.IsNull(spec, "A configuration error must stop the resolution.");
        var matching = diagnostics.Where(d => d.Code == code).ToList();
        if (matching.Count == 0)
        {
            Assert.Fail($"Expected {code}, got: " + string.Join(" | ", diagnostics));
        }

        Assert.IsTrue(matching.All(d => d.Severity == Severity.Error), $"{code} must be an error.");
        return matching;
    }
}
