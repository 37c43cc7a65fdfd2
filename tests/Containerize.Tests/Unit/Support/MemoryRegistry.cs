using System.Net;
using System.Text.Json.Nodes;
using Containerize.Oci;

namespace Containerize.Tests.Unit.Support;

/// <summary>
/// A registry in memory behind a <see cref="ScriptedHttpHandler"/>: blobs by digest, manifests by tag or digest (any
/// repository); with <see cref="ReferrersApi"/> its manifest PUT answers OCI-Subject, as a registry with the referrers API does.
/// </summary>
internal sealed class MemoryRegistry
{
    private int uploads;

    public MemoryRegistry() => Handler = new ScriptedHttpHandler(Answer);

    public ScriptedHttpHandler Handler { get; }

    public bool ReferrersApi { get; init; }

    public Dictionary<string, byte[]> Blobs { get; } = [];

    /// <summary>By the last part of the path: the tag or the digest it was put under.</summary>
    public Dictionary<string, byte[]> Manifests { get; } = [];

    private HttpResponseMessage Answer(RecordedRequest request)
    {
        var path = request.Uri.AbsolutePath;
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (path.Contains("/blobs/uploads/", StringComparison.Ordinal))
        {
            if (request.Method == HttpMethod.Post)
            {
                return ScriptedHttpHandler.Answer(HttpStatusCode.Accepted, null, ("Location", $"{path}{++uploads}"));
            }

            var digest = Uri.UnescapeDataString(request.Uri.Query.Split("digest=")[1]);
            Blobs[digest] = request.Body;
            return ScriptedHttpHandler.Answer(HttpStatusCode.Created, null, ("Docker-Content-Digest", digest));
        }

        if (path.Contains("/blobs/", StringComparison.Ordinal))
        {
            return ScriptedHttpHandler.Answer(Blobs.ContainsKey(name) ? HttpStatusCode.OK : HttpStatusCode.NotFound);
        }

        if (request.Method == HttpMethod.Put)
        {
            Manifests[name] = request.Body;
            var headers = new List<(string, string)> { ("Docker-Content-Digest", ManifestWriter.Digest(request.Body)) };
            if (ReferrersApi && JsonNode.Parse(request.Body)?["subject"]?["digest"] is { } subject)
            {
                headers.Add(("OCI-Subject", (string)subject!));
            }

            return ScriptedHttpHandler.Answer(HttpStatusCode.Created, null, [.. headers]);
        }

        return Manifests.TryGetValue(name, out var manifest)
            ? ScriptedHttpHandler.AnswerBytes(HttpStatusCode.OK, manifest, ("Content-Type", (string)JsonNode.Parse(manifest)!["mediaType"]!))
            : ScriptedHttpHandler.Error(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN", "manifest unknown");
    }
}
