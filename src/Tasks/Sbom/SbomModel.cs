namespace Containerize.Sbom;

/// <summary>
/// The input flattened into what both formats write: the image (the app), its components sorted by bom-ref (ordinal)
/// and its dependency graph, each list in a fixed order so that the output never depends on the order of the input.
/// </summary>
internal sealed record SbomModel(SbomComponent Application, IReadOnlyList<SbomComponent> Components, IReadOnlyList<SbomDependency> Dependencies)
{
    public const string InImageProperty = "containerize:inImage";

    public const string LayerProperty = "containerize:layer";

    public const string SourceProperty = "containerize:source";

    public static SbomModel From(SbomInput input)
    {
        var byKey = new Dictionary<string, SbomComponent>(StringComparer.OrdinalIgnoreCase);
        var components = new List<SbomComponent>();
        foreach (var component in input.NuGet.Components)
        {
            var model = component.Kind == NuGetComponentKind.Package ? Package(component) : Project(component);
            byKey.TryAdd(component.Key, model);
            components.Add(model);
        }

        var runtimes = input.Runtimes.Select(Runtime).ToList();
        components.AddRange(runtimes);
        components.AddRange(input.OsPackages.Select(OsPackage));
        components.AddRange(input.Files.Select(File));
        var unique = components
            .GroupBy(component => component.BomRef, StringComparer.Ordinal)
            .Select(group => group.First())
            .OrderBy(component => component.BomRef, StringComparer.Ordinal)
            .ToList();

        var application = new SbomComponent(input.ImagePurl ?? $"app:{input.Name}@{input.Version}", ComponentKind.Application, input.Name, input.Version)
        {
            Purl = input.ImagePurl,
        };

        string? RefOf(string key) => byKey.TryGetValue(key, out var component) ? component.BomRef : null;
        var dependencies = new List<SbomDependency>
        {
            new(application.BomRef, input.NuGet.Direct.Select(RefOf).OfType<string>().Concat(runtimes.Select(runtime => runtime.BomRef)).Distinct().Order(StringComparer.Ordinal).ToList()),
        };
        dependencies.AddRange(input.NuGet.Components
            .Where(component => byKey.ContainsKey(component.Key))
            .Select(component => new SbomDependency(byKey[component.Key].BomRef,
                component.DependsOn.Select(RefOf).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList())));
        return new SbomModel(
            application,
            unique,
            dependencies.GroupBy(dependency => dependency.Ref, StringComparer.Ordinal).Select(group => group.First()).OrderBy(dependency => dependency.Ref, StringComparer.Ordinal).ToList());
    }

    private static SbomComponent Package(NuGetComponent package)
    {
        var purl = PackageUrl.NuGet(package.Id, package.Version);
        return new SbomComponent(purl, ComponentKind.Package, package.Id, package.Version)
        {
            Purl = purl,
            Sha512 = package.Sha512,
            LicenseExpression = package.LicenseExpression,
            LicenseUrl = package.LicenseUrl,
            InImage = package.InImage,
            Properties = package.InImage ? [] : [new(InImageProperty, "false")],
        };
    }

    /// <summary>A project reference: no purl, since a pkg:nuget purl would name whatever package of that id a feed has, not this project.</summary>
    private static SbomComponent Project(NuGetComponent project) =>
        new($"project:{project.Id}@{project.Version}", ComponentKind.Project, project.Id, project.Version)
        {
            InImage = project.InImage,
            Properties = project.InImage ? [] : [new(InImageProperty, "false")],
        };

    private static SbomComponent Runtime(DotNetRuntime runtime) =>
        new($"dotnet:{runtime.Name}@{runtime.Version}", ComponentKind.Runtime, runtime.Name, runtime.Version)
        {
            Purl = runtime.Purl,
            Cpe = runtime.Cpe,
            Properties = [new(SourceProperty, runtime.Source)],
        };

    private static SbomComponent OsPackage(OsPackage package) =>
        new(package.Purl, ComponentKind.OsPackage, package.Name, package.Version)
        {
            Purl = package.Purl,
            Properties = package.Layer is null ? [] : [new(LayerProperty, package.Layer)],
        };

    private static SbomComponent File(SbomFile file)
    {
        var path = "/" + file.Path.TrimStart('/');
        var hash = file.Sha256.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? file.Sha256["sha256:".Length..] : file.Sha256;
        return new SbomComponent($"file:{path}", ComponentKind.File, path, null) { Sha256 = hash.ToLowerInvariant() };
    }
}

internal enum ComponentKind
{
    Application,
    Package,
    Project,
    Runtime,
    OsPackage,
    File,
}

/// <summary>One component of either format.</summary>
internal sealed record SbomComponent(string BomRef, ComponentKind Kind, string Name, string? Version)
{
    public string? Purl { get; init; }

    public string? Cpe { get; init; }

    public string? Sha512 { get; init; }

    public string? Sha256 { get; init; }

    public string? LicenseExpression { get; init; }

    public string? LicenseUrl { get; init; }

    public bool InImage { get; init; } = true;

    /// <summary>Name and value pairs, in the order they are written.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Properties { get; init; } = [];
}

/// <summary>A component and the bom-refs of what it depends on, sorted.</summary>
internal sealed record SbomDependency(string Ref, IReadOnlyList<string> DependsOn);
