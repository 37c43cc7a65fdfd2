using System.Text.Json;
using Containerize.Diagnostics;

namespace Containerize.Sbom;

/// <summary>
/// Reads the app's packages and project references for one target from the restore's project.assets.json
/// (NuGet's lock file format, version 3). The rule for <see cref="NuGetComponent.InImage"/>: an entry of the target
/// is in the image when one of its runtime, native or resource assets, its runtimeTargets (a portable app's
/// runtimes/&lt;rid&gt;/… files) or a contentFiles asset with copyToOutput is a real file — not NuGet's "_._"
/// placeholder, which is what an asset group holds when the package has nothing for the framework or when
/// ExcludeAssets/IncludeAssets (also inherited from a parent reference) leave the group out. Compile, build,
/// analyzer and tool assets never reach the publish output.
/// </summary>
public static class AssetsFileReader
{
    private const string Placeholder = "_._";

    private static readonly string[] ImageAssetGroups = ["runtime", "native", "resource", "runtimeTargets"];

    /// <summary>
    /// Reads the assets file at <paramref name="path"/>, and each package's nuspec from the package folders it names.
    /// CTZ2030 when the file cannot be read or is not an assets file, CTZ2031 when it has no such target.
    /// </summary>
    /// <param name="targetFramework">The TargetFramework as the project names it ("net10.0").</param>
    /// <param name="runtimeIdentifier">The RuntimeIdentifier of the publish; null or empty for a portable one.</param>
    public static NuGetGraph Load(string path, string targetFramework, string? runtimeIdentifier)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ContainerizeException(Errors.AssetsFileUnreadable(path, exception.Message), exception);
        }

        return Read(json, targetFramework, runtimeIdentifier, path, ReadFileOrNull);
    }

    /// <param name="source">How the messages name the assets file (its path).</param>
    /// <param name="readFile">Reads a file by its absolute path (a nuspec), null when it is not there; no nuspec is read when null.</param>
    public static NuGetGraph Read(ReadOnlyMemory<byte> json, string targetFramework, string? runtimeIdentifier, string source, Func<string, byte[]?>? readFile = null)
    {
        if (json.Span.StartsWith("\uFEFF"u8))
        {
            json = json[3..];
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException exception)
        {
            throw new ContainerizeException(Errors.AssetsFileUnreadable(source, "it is not valid JSON: " + exception.Message), exception);
        }

        using (document)
        {
            var root = document.RootElement;
            if (Child(root, "targets") is not { ValueKind: JsonValueKind.Object } targets)
            {
                throw new ContainerizeException(Errors.AssetsFileUnreadable(source, "it has no \"targets\" object, so it is not the assets file of a PackageReference restore"));
            }

            var wanted = string.IsNullOrEmpty(runtimeIdentifier) ? targetFramework : $"{targetFramework}/{runtimeIdentifier}";
            var (target, frameworkKey) = FindTarget(targets, targetFramework, runtimeIdentifier)
                ?? throw new ContainerizeException(Errors.AssetsTargetMissing(source, wanted, targets.EnumerateObject().Select(property => property.Name)));

            var folders = Child(root, "packageFolders") is { ValueKind: JsonValueKind.Object } packageFolders
                ? packageFolders.EnumerateObject().Select(property => property.Name).ToList()
                : [];
            var libraries = Child(root, "libraries") is { ValueKind: JsonValueKind.Object } librariesElement ? librariesElement : default;

            var entries = new List<(string Key, string Id, string Version, JsonElement Value)>();
            foreach (var property in target.EnumerateObject())
            {
                var slash = property.Name.IndexOf('/');
                if (slash > 0 && slash < property.Name.Length - 1 && property.Value.ValueKind == JsonValueKind.Object)
                {
                    entries.Add((property.Name, property.Name[..slash], property.Name[(slash + 1)..], property.Value));
                }
            }

            var keyById = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var entry in entries)
            {
                keyById.TryAdd(entry.Id, entry.Key);
            }

            var components = entries
                .Select(entry => Component(entry.Id, entry.Version, entry.Value, Library(libraries, entry.Key), keyById, folders, readFile))
                .OrderBy(component => component.Key, StringComparer.OrdinalIgnoreCase)
                .ThenBy(component => component.Key, StringComparer.Ordinal)
                .ToList();
            var direct = DirectReferences(root, frameworkKey)
                .Select(id => keyById.GetValueOrDefault(id))
                .OfType<string>()
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .ToList();
            return new NuGetGraph(components, direct, folders);
        }
    }

    /// <summary>
    /// The target "&lt;framework&gt;[/&lt;rid&gt;]". Recent NuGet names targets by the framework as the project writes it
    /// ("net10.0"); older ones by its full name (".NETCoreApp,Version=v8.0"), which project.frameworks maps to.
    /// </summary>
    private static (JsonElement Target, string FrameworkKey)? FindTarget(JsonElement targets, string framework, string? runtimeIdentifier)
    {
        var candidates = new List<string> { framework };
        if (JsonFramework(framework) is { } full)
        {
            candidates.Add(full);
        }

        foreach (var candidate in candidates)
        {
            var key = string.IsNullOrEmpty(runtimeIdentifier) ? candidate : $"{candidate}/{runtimeIdentifier}";
            foreach (var property in targets.EnumerateObject())
            {
                if (string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Object)
                {
                    return (property.Value, candidate);
                }
            }
        }

        return null;
    }

    /// <summary>"net8.0" as NuGet's full framework name; null for other shapes (net8.0-windows, netstandard…, which containers do not run).</summary>
    private static string? JsonFramework(string framework)
    {
        var version = framework.StartsWith("net", StringComparison.OrdinalIgnoreCase) ? framework[3..] : "";
        var parts = version.Split('.');
        return parts.Length == 2 && parts.All(part => part.Length > 0 && part.All(char.IsAsciiDigit)) && int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture) >= 5
            ? $".NETCoreApp,Version=v{version}"
            : null;
    }

    private static NuGetComponent Component(string id, string version, JsonElement entry, JsonElement? library,
        Dictionary<string, string> keyById, IReadOnlyList<string> folders, Func<string, byte[]?>? readFile)
    {
        var kind = string.Equals(String(entry, "type") ?? String(library, "type"), "project", StringComparison.OrdinalIgnoreCase)
            ? NuGetComponentKind.Project
            : NuGetComponentKind.Package;

        // A dependency the target does not hold was pruned (the framework provides it) or is not a package: no edge.
        var dependsOn = Child(entry, "dependencies") is { ValueKind: JsonValueKind.Object } dependencies
            ? dependencies.EnumerateObject().Select(dependency => keyById.GetValueOrDefault(dependency.Name)).OfType<string>()
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()
            : [];

        var component = new NuGetComponent(id, version, kind) { DependsOn = dependsOn, InImage = PutsFilesInImage(entry) };
        if (kind == NuGetComponentKind.Project)
        {
            return component with { ProjectPath = String(library, "msbuildProject") ?? String(library, "path") };
        }

        var license = readFile is null ? null : ReadLicense(library, id, folders, readFile);
        return component with
        {
            Sha512 = Sha512Hex(String(library, "sha512")),
            LicenseExpression = license?.Expression,
            LicenseUrl = license?.Url,
        };
    }

    private static bool PutsFilesInImage(JsonElement entry)
    {
        foreach (var group in ImageAssetGroups)
        {
            if (Child(entry, group) is { ValueKind: JsonValueKind.Object } assets && assets.EnumerateObject().Any(asset => !IsPlaceholder(asset.Name)))
            {
                return true;
            }
        }

        return Child(entry, "contentFiles") is { ValueKind: JsonValueKind.Object } content
            && content.EnumerateObject().Any(asset => !IsPlaceholder(asset.Name)
                && Child(asset.Value, "copyToOutput") is { ValueKind: JsonValueKind.True });
    }

    private static bool IsPlaceholder(string path) => path == Placeholder || path.EndsWith("/" + Placeholder, StringComparison.Ordinal);

    /// <summary>The ids the project references itself, from projectFileDependencyGroups ("Id &gt;= 1.0", "Id").</summary>
    private static IEnumerable<string> DirectReferences(JsonElement root, string frameworkKey)
    {
        if (Child(root, "projectFileDependencyGroups") is not { ValueKind: JsonValueKind.Object } groups)
        {
            yield break;
        }

        foreach (var group in groups.EnumerateObject())
        {
            if ((group.Name.Length == 0 || string.Equals(group.Name, frameworkKey, StringComparison.OrdinalIgnoreCase)) && group.Value.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in group.Value.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.String && item.GetString()!.Trim().Split(' ')[0] is { Length: > 0 } id)
                    {
                        yield return id;
                    }
                }
            }
        }
    }

    /// <summary>The nuspec in the first package folder that has it: its name from the library's file list, else "&lt;id&gt;.nuspec" in lower case.</summary>
    private static NuspecLicense? ReadLicense(JsonElement? library, string id, IReadOnlyList<string> folders, Func<string, byte[]?> readFile)
    {
        var packagePath = String(library, "path");
        if (packagePath is null || packagePath.Split('/', '\\').Any(segment => segment == ".."))
        {
            return null;
        }

        var nuspecName = Child(library, "files") is { ValueKind: JsonValueKind.Array } files
            ? files.EnumerateArray().Where(file => file.ValueKind == JsonValueKind.String).Select(file => file.GetString()!)
                .FirstOrDefault(file => !file.Contains('/') && file.EndsWith(".nuspec", StringComparison.OrdinalIgnoreCase))
            : null;
        nuspecName ??= id.ToLowerInvariant() + ".nuspec";
        foreach (var folder in folders)
        {
            if (readFile(Path.Combine(folder, packagePath, nuspecName)) is { } nuspec)
            {
                return NuspecLicense.Parse(nuspec);
            }
        }

        return null;
    }

    /// <summary>NuGet records the base64 of the package's SHA-512; CycloneDX and SPDX want lower-case hex.</summary>
    private static string? Sha512Hex(string? base64)
    {
        if (base64 is null)
        {
            return null;
        }

        var bytes = new byte[64];
        return Convert.TryFromBase64String(base64, bytes, out var written) && written == 64 ? Convert.ToHexString(bytes).ToLowerInvariant() : null;
    }

    private static JsonElement? Library(JsonElement libraries, string key)
    {
        if (libraries.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (libraries.TryGetProperty(key, out var exact))
        {
            return exact;
        }

        foreach (var property in libraries.EnumerateObject())
        {
            if (string.Equals(property.Name, key, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value;
            }
        }

        return null;
    }

    private static JsonElement? Child(JsonElement? element, string name) =>
        element is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out var child) ? child : null;

    private static string? String(JsonElement? element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static byte[]? ReadFileOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
