using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Containerize.Tests.Infrastructure;

namespace Containerize.Tests.Unit;

/// <summary>What nuget.org shows of the packed packages: a readme inside the package, with no link into a repository it does not hold.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class PackageMetadataTests
{
    [TestMethod]
    [DataRow("Containerize")]
    [DataRow("Containerize.Sdk")]
    public void The_package_has_its_readme_and_a_description_of_every_backend(string id)
    {
        using var package = ZipFile.OpenRead(Path.Combine(Repository.PackagesDirectory, $"{id}.{PackedPackages.Version}.nupkg"));
        var metadata = XDocument.Load(package.GetEntry(id + ".nuspec")!.Open()).Root!.Elements().Single(element => element.Name.LocalName == "metadata");
        string Value(string name) => metadata.Elements().Single(element => element.Name.LocalName == name).Value;

        Assert.AreEqual("PACKAGE.md", Value("readme"));
        using var reader = new StreamReader(package.GetEntry("PACKAGE.md")!.Open());
        var readme = reader.ReadToEnd();
        Assert.IsEmpty(Regex.Matches(readme, @"\]\((?!https://)[^)]*\)"), "relative links lead nowhere on nuget.org");
        foreach (var word in new[] { "Dockerfile", "engine", "daemonless", "BuildKit daemon", "registry" })
        {
            Assert.Contains(word, Value("description"));
        }
    }
}
