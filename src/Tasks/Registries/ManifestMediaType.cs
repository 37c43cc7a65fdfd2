using System.Net.Http.Headers;
using System.Text.Json;
using Containerize.Oci;

namespace Containerize.Registries;

/// <summary>The manifest media types asked for, and the media type of a manifest a registry served.</summary>
internal static class ManifestMediaType
{
    private static readonly string[] Accepted = [MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest];

    /// <summary>Asks for any of the four manifest and index types.</summary>
    public static HttpRequestMessage AcceptAll(HttpRequestMessage request)
    {
        foreach (var mediaType in Accepted)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        }

        return request;
    }

    /// <summary>Content-Type, unless it is a generic JSON type; then the document's own mediaType; else what its shape says.</summary>
    public static string Of(HttpResponseMessage response, byte[] content)
    {
        var header = response.Content.Headers.ContentType?.MediaType;
        if (header is not null && header is not ("application/json" or "text/plain" or "application/octet-stream"))
        {
            return header;
        }

        try
        {
            using var document = JsonDocument.Parse(content);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("mediaType", out var mediaType) && mediaType.ValueKind == JsonValueKind.String && mediaType.GetString() is { Length: > 0 } declared)
                {
                    return declared;
                }

                return root.TryGetProperty("manifests", out _) ? MediaTypes.OciIndex : MediaTypes.OciManifest;
            }
        }
        catch (JsonException)
        {
        }

        return header ?? MediaTypes.OciManifest;
    }
}
