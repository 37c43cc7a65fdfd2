using System.Xml;
using System.Xml.Linq;

namespace Containerize.Sbom;

/// <summary>What a package's .nuspec says of its license.</summary>
/// <param name="Expression">&lt;license type="expression"&gt;: an SPDX license expression (NuGet checks it at pack time).</param>
/// <param name="Url">&lt;licenseUrl&gt;, when there is no expression and it is not NuGet's placeholder (https://aka.ms/deprecateLicenseUrl).</param>
public sealed record NuspecLicense(string? Expression, string? Url)
{
    /// <summary>The URL nuget pack writes into licenseUrl when the license is an expression or a file.</summary>
    public const string PlaceholderUrl = "https://aka.ms/deprecateLicenseUrl";

    /// <summary>
    /// Reads the nuspec's metadata, whatever its XML namespace (it changes with the nuspec schema version). A file
    /// license (&lt;license type="file"&gt;) gives neither: its text is in the package, not an identifier. Null when the
    /// content is not XML; DTDs are refused and nothing outside is resolved.
    /// </summary>
    public static NuspecLicense? Parse(byte[] nuspec)
    {
        XDocument document;
        try
        {
            using var reader = XmlReader.Create(new MemoryStream(nuspec, writable: false),
                new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true });
            document = XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }

        var metadata = document.Root?.Elements().FirstOrDefault(element => element.Name.LocalName == "metadata");
        if (metadata is null)
        {
            return new NuspecLicense(null, null);
        }

        var license = metadata.Elements().FirstOrDefault(element => element.Name.LocalName == "license");
        var expression = license is not null && string.Equals((string?)license.Attribute("type"), "expression", StringComparison.OrdinalIgnoreCase)
            ? NonEmpty(license.Value)
            : null;
        var url = expression is null ? NonEmpty(metadata.Elements().FirstOrDefault(element => element.Name.LocalName == "licenseUrl")?.Value) : null;
        return new NuspecLicense(expression, url == PlaceholderUrl ? null : url);
    }

    private static string? NonEmpty(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
