using System.Net;
using System.Text;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Registries;
using Containerize.Tests.Unit.Support;
using static Containerize.Tests.Unit.Support.ScriptedHttpHandler;

namespace Containerize.Tests.Unit;

/// <summary>How RegistryClient authenticates: Basic, Bearer tokens (with credentials or an identity token), and where credentials go.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class RegistryClientAuthenticationTests
{
    private const string Host = "registry.example";
    private const string Password = "s3cret-Passw0rd";
    private const string IdentityToken = "refresh-Token-123";
    private const string Realm = "https://auth.example/token";
    private const string Manifest = """{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}""";
    private const string Digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly RegistryCredentials UserAndPassword = new("ctzuser", Password, null, "CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD");
    private static readonly string BasicValue = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("ctzuser:" + Password));

    private readonly RecordingBuildLog log = new();

    private RegistryClient Client(ScriptedHttpHandler handler, RegistryCredentials? credentials) =>
        new(Host, credentials, plainHttp: false, new RetryPolicy([TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1)]), log, handler);

    private static HttpResponseMessage ManifestAnswer() => Answer(HttpStatusCode.OK, Manifest, ("Content-Type", "application/vnd.oci.image.manifest.v1+json"));

    private static HttpResponseMessage BasicChallenge() =>
        Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required", ("WWW-Authenticate", "Basic realm=\"test\""));

    private static HttpResponseMessage BearerChallenge(string scope, string? error = null) =>
        Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required",
            ("WWW-Authenticate", $"Bearer realm=\"{Realm}\",service=\"{Host}\",scope=\"{scope}\"" + (error is null ? "" : $",error=\"{error}\"")));

    /// <summary>A registry behind a token service that hands out tok-1, tok-2, … and accepts those not revoked.</summary>
    private sealed class TokenRegistry
    {
        private readonly HashSet<string> revoked = [];
        private int issued;

        public void Revoke(string token) => revoked.Add(token);

        public HttpResponseMessage Answer(RecordedRequest request, Func<RecordedRequest, HttpResponseMessage> authorized)
        {
            if (request.Uri.Host == "auth.example")
            {
                issued++;
                return ScriptedHttpHandler.Answer(HttpStatusCode.OK, $$"""{"token":"tok-{{issued}}","expires_in":300}""");
            }

            var valid = Enumerable.Range(1, issued).Select(n => "Bearer tok-" + n).Where(token => !revoked.Contains(token[7..]));
            return valid.Contains(request.Authorization) ? authorized(request) : BearerChallenge("repository:acme/app:pull");
        }
    }

    private void AssertNoSecretIn(string text)
    {
        Assert.DoesNotContain(Password, text);
        Assert.DoesNotContain(IdentityToken, text);
        Assert.DoesNotContain(BasicValue[6..], text);
        Assert.DoesNotContain("tok-", text);
    }

    private void AssertNoSecretLogged()
    {
        foreach (var line in log.Lines.Concat(log.Diagnostics.Select(d => d.Message)))
        {
            AssertNoSecretIn(line);
        }
    }

    [TestMethod]
    public async Task A_basic_challenge_is_answered_with_the_user_name_and_password_and_then_sent_up_front()
    {
        var handler = new ScriptedHttpHandler(request => request.Authorization == BasicValue ? ManifestAnswer() : BasicChallenge());
        using var client = Client(handler, UserAndPassword);

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);
        await client.GetManifestAsync("acme/app", "2.0", CancellationToken.None);

        Assert.AreSequenceEqual(new string?[] { null, BasicValue, BasicValue }, handler.Requests.Select(r => r.Authorization).ToArray());
        AssertNoSecretLogged();
    }

    [TestMethod]
    public async Task A_basic_challenge_without_credentials_is_CTZ3001_naming_the_anonymous_request()
    {
        var handler = new ScriptedHttpHandler(_ => BasicChallenge());
        using var client = Client(handler, null);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3001", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "registry.example");
        StringAssert.Contains(error.Message, "a request without credentials");
        Assert.HasCount(1, handler.Requests);
    }

    [TestMethod]
    public async Task Refused_basic_credentials_are_CTZ3001_after_one_authenticated_try_and_no_retry()
    {
        var handler = new ScriptedHttpHandler(_ => BasicChallenge());
        using var client = Client(handler, UserAndPassword);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.BlobExistsAsync("acme/app", Digest, CancellationToken.None));

        Assert.AreEqual("CTZ3001", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD");
        AssertNoSecretIn(error.Message);
        Assert.AreSequenceEqual(new string?[] { null, BasicValue }, handler.Requests.Select(r => r.Authorization).ToArray());
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task A_bearer_challenge_gets_a_pull_token_from_the_realm_with_service_scope_and_basic_credentials()
    {
        var tokens = new TokenRegistry();
        var handler = new ScriptedHttpHandler(request => tokens.Answer(request, _ => ManifestAnswer()));
        using var client = Client(handler, UserAndPassword);

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);

        var requests = handler.Requests;
        Assert.HasCount(3, requests);
        Assert.IsNull(requests[0].Authorization);
        Assert.AreEqual("https://auth.example/token?service=registry.example&scope=repository%3Aacme%2Fapp%3Apull", requests[1].Uri.AbsoluteUri);
        Assert.AreEqual(HttpMethod.Get, requests[1].Method);
        Assert.AreEqual(BasicValue, requests[1].Authorization);
        Assert.AreEqual("https://registry.example/v2/acme/app/manifests/1.0", requests[2].Uri.AbsoluteUri);
        Assert.AreEqual("Bearer tok-1", requests[2].Authorization);
        AssertNoSecretLogged();
    }

    [TestMethod]
    public async Task An_anonymous_bearer_flow_asks_the_realm_without_credentials()
    {
        var tokens = new TokenRegistry();
        var handler = new ScriptedHttpHandler(request => tokens.Answer(request, _ => ManifestAnswer()));
        using var client = Client(handler, null);

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);

        Assert.IsNull(handler.Requests.Single(r => r.Uri.Host == "auth.example").Authorization);
    }

    [TestMethod]
    public async Task Uploads_ask_for_a_pull_and_push_token()
    {
        var tokens = new TokenRegistry();
        var handler = new ScriptedHttpHandler(request => tokens.Answer(request, r => r.Method == HttpMethod.Post
            ? Answer(HttpStatusCode.Accepted, null, ("Location", "/v2/acme/app/blobs/uploads/u1"))
            : Answer(HttpStatusCode.Created)));
        using var client = Client(handler, UserAndPassword);
        var content = Encoding.UTF8.GetBytes("layer");

        await client.UploadBlobAsync("acme/app", "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), content.Length,
            () => new MemoryStream(content), CancellationToken.None);

        var tokenRequest = handler.Requests.Single(r => r.Uri.Host == "auth.example");
        StringAssert.EndsWith(tokenRequest.Uri.AbsoluteUri, "scope=repository%3Aacme%2Fapp%3Apull%2Cpush");
    }

    [TestMethod]
    public async Task A_blob_put_answered_401_is_sent_again_whole_with_a_new_token()
    {
        var issued = 0;
        var puts = 0;
        var handler = new ScriptedHttpHandler(request =>
        {
            if (request.Uri.Host == "auth.example")
            {
                return Answer(HttpStatusCode.OK, $$"""{"token":"tok-{{++issued}}"}""");
            }

            if (request.Authorization is null || (request.Method == HttpMethod.Put && ++puts == 1))
            {
                return BearerChallenge("repository:acme/app:pull,push");
            }

            return request.Method == HttpMethod.Post ? Answer(HttpStatusCode.Accepted, null, ("Location", "/v2/acme/app/blobs/uploads/u1")) : Answer(HttpStatusCode.Created);
        });
        using var client = Client(handler, UserAndPassword);
        var content = Encoding.UTF8.GetBytes("the layer's bytes");

        await client.UploadBlobAsync("acme/app", "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), content.Length,
            () => new MemoryStream(content), CancellationToken.None);

        var sentPuts = handler.Requests.Where(r => r.Method == HttpMethod.Put).ToList();
        Assert.AreSequenceEqual(new[] { "Bearer tok-1", "Bearer tok-2" }, sentPuts.Select(r => r.Authorization).ToArray());
        Assert.IsTrue(sentPuts.All(r => r.Body.AsSpan().SequenceEqual(content)));
        Assert.AreEqual("100-continue", sentPuts[1].Header("Expect"));
        Assert.IsEmpty(log.Diagnostics);
    }

    [TestMethod]
    public async Task A_token_is_cached_per_scope()
    {
        var tokens = new TokenRegistry();
        var handler = new ScriptedHttpHandler(request => tokens.Answer(request, _ => ManifestAnswer()));
        using var client = Client(handler, UserAndPassword);

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);
        await client.GetManifestAsync("acme/app", "2.0", CancellationToken.None);
        await client.GetManifestAsync("acme/other", "1.0", CancellationToken.None);

        var tokenRequests = handler.Requests.Where(r => r.Uri.Host == "auth.example").Select(r => r.Uri.Query).ToArray();
        Assert.AreSequenceEqual(
            new[] { "?service=registry.example&scope=repository%3Aacme%2Fapp%3Apull", "?service=registry.example&scope=repository%3Aacme%2Fother%3Apull" },
            tokenRequests);
        Assert.AreEqual(2, client.TokensFetched);
        // The second manifest and the other repository's went straight out with a token (the registry's challenge is known).
        Assert.HasCount(6, handler.Requests);
    }

    [TestMethod]
    public async Task Requests_sent_at_once_that_all_need_a_token_share_one_fetch()
    {
        var tokens = new TokenRegistry();
        var handler = new ScriptedHttpHandler(async (request, cancellation) =>
        {
            // Every request is still in flight when the others arrive, as the blobs of a push are.
            await Task.Delay(20, cancellation);
            return tokens.Answer(request, _ => ManifestAnswer());
        });
        using var client = Client(handler, UserAndPassword);

        await Task.WhenAll(Enumerable.Range(1, 3).Select(n => client.GetManifestAsync("acme/app", $"{n}.0", CancellationToken.None)));

        Assert.AreEqual(1, client.TokensFetched);
        Assert.AreEqual(1, handler.Requests.Count(r => r.Uri.Host == "auth.example"));
    }

    [TestMethod]
    public async Task An_identity_token_is_exchanged_with_a_refresh_token_grant_posted_as_a_form()
    {
        var handler = new ScriptedHttpHandler(request => request.Uri.Host == "auth.example"
            ? Answer(HttpStatusCode.OK, """{"access_token":"tok-oauth","expires_in":300}""")
            : request.Authorization == "Bearer tok-oauth" ? ManifestAnswer() : BearerChallenge("repository:acme/app:pull"));
        using var client = Client(handler, new RegistryCredentials("", "", IdentityToken, "\"auths\" in config.json"));

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);

        var tokenRequest = handler.Requests.Single(r => r.Uri.Host == "auth.example");
        Assert.AreEqual(HttpMethod.Post, tokenRequest.Method);
        Assert.AreEqual(Realm, tokenRequest.Uri.AbsoluteUri);
        Assert.IsNull(tokenRequest.Authorization);
        Assert.AreEqual("application/x-www-form-urlencoded", tokenRequest.Header("Content-Type"));
        var form = tokenRequest.BodyText.Split('&').Select(pair => pair.Split('=')).ToDictionary(pair => pair[0], pair => Uri.UnescapeDataString(pair[1].Replace('+', ' ')));
        Assert.AreEqual("refresh_token", form["grant_type"]);
        Assert.AreEqual(IdentityToken, form["refresh_token"]);
        Assert.AreEqual("registry.example", form["service"]);
        Assert.AreEqual("repository:acme/app:pull", form["scope"]);
        Assert.AreEqual("containerize", form["client_id"]);
        Assert.AreEqual("Bearer tok-oauth", handler.Requests[^1].Authorization);
    }

    [TestMethod]
    public async Task A_401_to_a_cached_token_fetches_a_new_token_once()
    {
        var tokens = new TokenRegistry();
        var handler = new ScriptedHttpHandler(request => tokens.Answer(request, _ => ManifestAnswer()));
        using var client = Client(handler, UserAndPassword);
        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);
        tokens.Revoke("tok-1");

        await client.GetManifestAsync("acme/app", "2.0", CancellationToken.None);

        Assert.AreEqual(2, client.TokensFetched);
        Assert.AreSequenceEqual(
            new string?[] { null, "Bearer tok-1", "Bearer tok-1", "Bearer tok-2" },
            handler.Requests.Where(r => r.Uri.Host == Host).Select(r => r.Authorization).ToArray());
    }

    [TestMethod]
    public async Task A_second_401_after_a_fresh_token_is_CTZ3001()
    {
        var handler = new ScriptedHttpHandler(request => request.Uri.Host == "auth.example"
            ? Answer(HttpStatusCode.OK, """{"token":"tok-x"}""")
            : BearerChallenge("repository:acme/app:pull"));
        using var client = Client(handler, UserAndPassword);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3001", error.Diagnostic.Code);
        Assert.HasCount(3, handler.Requests);
        AssertNoSecretIn(error.Message);
    }

    [TestMethod]
    public async Task Insufficient_scope_after_authenticating_is_CTZ3002()
    {
        var handler = new ScriptedHttpHandler(request => request.Uri.Host == "auth.example"
            ? Answer(HttpStatusCode.OK, """{"token":"tok-x"}""")
            : BearerChallenge("repository:acme/app:pull,push", request.Authorization is null ? null : "insufficient_scope"));
        using var client = Client(handler, UserAndPassword);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.PutManifestAsync("acme/app", "1.0", "application/vnd.oci.image.manifest.v1+json", Encoding.UTF8.GetBytes(Manifest), CancellationToken.None));

        Assert.AreEqual("CTZ3002", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "acme/app");
    }

    [TestMethod]
    public async Task A_403_is_CTZ3002_without_a_retry()
    {
        var handler = new ScriptedHttpHandler(_ => Error(HttpStatusCode.Forbidden, "DENIED", "requested access to the resource is denied"));
        using var client = Client(handler, UserAndPassword);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.BlobExistsAsync("acme/app", Digest, CancellationToken.None));

        Assert.AreEqual("CTZ3002", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "registry.example");
        Assert.HasCount(1, handler.Requests);
    }

    [TestMethod]
    public async Task A_token_service_that_refuses_the_credentials_is_CTZ3001()
    {
        var handler = new ScriptedHttpHandler(request => request.Uri.Host == "auth.example"
            ? Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "incorrect username or password")
            : BearerChallenge("repository:acme/app:pull"));
        using var client = Client(handler, UserAndPassword);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3001", error.Diagnostic.Code);
        AssertNoSecretIn(error.Message);
    }

    [TestMethod]
    public async Task A_token_service_that_answers_5xx_is_retried()
    {
        var failures = 1;
        var handler = new ScriptedHttpHandler(request => request.Uri.Host == "auth.example"
            ? failures-- > 0 ? Answer(HttpStatusCode.ServiceUnavailable) : Answer(HttpStatusCode.OK, """{"token":"tok-x"}""")
            : request.Authorization == "Bearer tok-x" ? ManifestAnswer() : BearerChallenge("repository:acme/app:pull"));
        using var client = Client(handler, UserAndPassword);

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);

        var retry = log.Diagnostics.Single();
        Assert.AreEqual(("", Severity.Message), (retry.Code, retry.Severity));
        StringAssert.Contains(retry.Message, "503");
    }

    /// <summary>A registry whose Bearer challenge names <paramref name="realm"/>; its token service hands out "tok-plain".</summary>
    private static ScriptedHttpHandler RegistryWithRealm(string realm) => new(request =>
        request.Uri.AbsolutePath == new Uri(realm).AbsolutePath
            ? Answer(HttpStatusCode.OK, """{"token":"tok-plain"}""")
            : request.Authorization == "Bearer tok-plain"
                ? ManifestAnswer()
                : Error(HttpStatusCode.Unauthorized, "UNAUTHORIZED", "authentication required", ("WWW-Authenticate", $"Bearer realm=\"{realm}\",service=\"registry\"")));

    [TestMethod]
    public async Task A_plain_http_token_service_of_a_tls_registry_gets_no_credentials_and_is_CTZ3014()
    {
        var handler = RegistryWithRealm("http://auth.example/token");
        using var client = Client(handler, UserAndPassword);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3014", error.Diagnostic.Code);
        Assert.AreEqual(
            "The registry registry.example names http://auth.example/token, a plain HTTP address, as its token service: the credentials from CONTAINERIZE_REGISTRY_USERNAME and CONTAINERIZE_REGISTRY_PASSWORD would travel there unencrypted, so they were not sent. "
            + "Containerize sends credentials over plain HTTP only to a registry reached over plain HTTP itself (a loopback name or one in ContainerInsecureRegistries) and to a token service on its host or on a loopback name. "
            + "Have the registry name an https:// token service (its token realm setting; for Docker Distribution auth.token.realm), or use a registry that does.",
            error.Message);
        Assert.AreSequenceEqual(new[] { "https://registry.example/v2/acme/app/manifests/1.0" }, handler.Requests.Select(r => r.Uri.AbsoluteUri).ToArray());
        Assert.IsEmpty(log.Diagnostics, "not tried again");
    }

    [TestMethod]
    public async Task An_identity_token_is_not_posted_to_a_plain_http_token_service_either()
    {
        var handler = RegistryWithRealm("http://auth.example/token");
        using var client = Client(handler, new RegistryCredentials("", "", IdentityToken, "\"auths\" in config.json"));

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3014", error.Diagnostic.Code);
        StringAssert.Contains(error.Message, "the credentials from \"auths\" in config.json");
        Assert.IsFalse(handler.Requests.Any(r => r.Uri.Host == "auth.example"));
        AssertNoSecretIn(error.Message);
    }

    [TestMethod]
    public async Task Without_credentials_a_plain_http_token_service_is_asked_anonymously()
    {
        var handler = RegistryWithRealm("http://auth.example/token");
        using var client = Client(handler, null);

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);

        var tokenRequest = handler.Requests.Single(r => r.Uri.Host == "auth.example");
        Assert.AreEqual("http", tokenRequest.Uri.Scheme);
        Assert.IsNull(tokenRequest.Authorization);
    }

    [TestMethod]
    [DataRow("localhost:5000", "http://localhost:5001/token", DisplayName = "a loopback registry, its token service on another loopback port")]
    [DataRow("registry.internal:5000", "http://registry.internal:5001/token", DisplayName = "an insecure registry, its token service on its host")]
    [DataRow("registry.internal:5000", "http://127.0.0.1:5001/token", DisplayName = "an insecure registry, its token service on a loopback name")]
    public async Task A_registry_allowed_plain_http_may_send_credentials_to_a_plain_http_token_service_on_its_host_or_on_loopback(string host, string realm)
    {
        var handler = RegistryWithRealm(realm);
        using var client = new RegistryClient(host, UserAndPassword, plainHttp: true, new RetryPolicy([TimeSpan.FromMilliseconds(1)]), log, handler);

        await client.GetManifestAsync("acme/app", "1.0", CancellationToken.None);

        var tokenRequest = handler.Requests.Single(r => r.Uri.AbsolutePath == "/token");
        Assert.AreEqual(realm + "?service=registry&scope=repository%3Aacme%2Fapp%3Apull", tokenRequest.Uri.AbsoluteUri);
        Assert.AreEqual(BasicValue, tokenRequest.Authorization);
    }

    [TestMethod]
    public async Task A_registry_allowed_plain_http_sends_no_credentials_to_a_plain_http_token_service_on_another_host()
    {
        var handler = RegistryWithRealm("http://auth.example/token");
        using var client = new RegistryClient("registry.internal:5000", UserAndPassword, plainHttp: true, new RetryPolicy([TimeSpan.FromMilliseconds(1)]), log, handler);

        var error = await Assert.ThrowsExactlyAsync<ContainerizeException>(() => client.GetManifestAsync("acme/app", "1.0", CancellationToken.None));

        Assert.AreEqual("CTZ3014", error.Diagnostic.Code);
        StringAssert.StartsWith(error.Message, "The registry registry.internal:5000 names http://auth.example/token, a plain HTTP address, as its token service");
        Assert.HasCount(1, handler.Requests);
    }

    [TestMethod]
    public async Task A_blob_redirected_to_another_host_is_fetched_there_without_the_authorization()
    {
        var handler = new ScriptedHttpHandler(request => (request.Uri.Host, request.Authorization) switch
        {
            ("registry.example", null) => BasicChallenge(),
            ("registry.example", _) when request.Uri.AbsolutePath.StartsWith("/v2/acme/app/blobs/", StringComparison.Ordinal) =>
                Answer(HttpStatusCode.TemporaryRedirect, null, ("Location", "/storage/blob-1")),
            ("registry.example", _) => Answer(HttpStatusCode.Found, null, ("Location", "https://cdn.example/blobs/1?signature=abc")),
            ("cdn.example", null) => AnswerBytes(HttpStatusCode.OK, Encoding.UTF8.GetBytes("content")),
            _ => Answer(HttpStatusCode.BadRequest, "credentials leaked to " + request.Uri.Host),
        });
        using var client = Client(handler, UserAndPassword);
        using var destination = new MemoryStream();

        await client.DownloadBlobAsync("acme/app", Digest, destination, CancellationToken.None);

        Assert.AreEqual("content", Encoding.UTF8.GetString(destination.ToArray()));
        Assert.AreSequenceEqual(
            new[]
            {
                ("https://registry.example/v2/acme/app/blobs/" + Digest, (string?)null),
                ("https://registry.example/v2/acme/app/blobs/" + Digest, BasicValue),
                ("https://registry.example/storage/blob-1", BasicValue),
                ("https://cdn.example/blobs/1?signature=abc", null),
            },
            handler.Requests.Select(r => (r.Uri.AbsoluteUri, r.Authorization)).ToArray());
    }

    [TestMethod]
    public async Task A_redirect_from_https_to_plain_http_on_the_same_host_drops_the_authorization()
    {
        var handler = new ScriptedHttpHandler(request => request.Uri.Scheme == "https"
            ? request.Authorization is null ? BasicChallenge() : Answer(HttpStatusCode.TemporaryRedirect, null, ("Location", "http://registry.example/plain"))
            : AnswerBytes(HttpStatusCode.OK, Encoding.UTF8.GetBytes("content")));
        using var client = Client(handler, UserAndPassword);
        using var destination = new MemoryStream();

        await client.DownloadBlobAsync("acme/app", Digest, destination, CancellationToken.None);

        Assert.IsNull(handler.Requests[^1].Authorization);
        Assert.AreEqual("http://registry.example/plain", handler.Requests[^1].Uri.AbsoluteUri);
    }

    [TestMethod]
    public async Task A_redirect_to_another_port_of_the_same_host_drops_the_authorization_and_a_redirect_back_gets_it_again()
    {
        var handler = new ScriptedHttpHandler(request => (request.Uri.Port, request.Uri.AbsolutePath) switch
        {
            (443, _) when request.Authorization is null => BasicChallenge(),
            (443, "/back") => AnswerBytes(HttpStatusCode.OK, Encoding.UTF8.GetBytes("content")),
            (443, _) => Answer(HttpStatusCode.TemporaryRedirect, null, ("Location", "https://registry.example:8443/storage/blob-1")),
            _ => Answer(HttpStatusCode.Found, null, ("Location", "https://registry.example/back")),
        });
        using var client = Client(handler, UserAndPassword);
        using var destination = new MemoryStream();

        await client.DownloadBlobAsync("acme/app", Digest, destination, CancellationToken.None);

        Assert.AreEqual("content", Encoding.UTF8.GetString(destination.ToArray()));
        Assert.AreSequenceEqual(
            new[]
            {
                ("https://registry.example/v2/acme/app/blobs/" + Digest, (string?)null),
                ("https://registry.example/v2/acme/app/blobs/" + Digest, BasicValue),
                ("https://registry.example:8443/storage/blob-1", null),
                ("https://registry.example/back", BasicValue),
            },
            handler.Requests.Select(r => (r.Uri.AbsoluteUri, r.Authorization)).ToArray());
    }

    [TestMethod]
    public async Task An_upload_location_on_another_host_gets_no_authorization()
    {
        var handler = new ScriptedHttpHandler(request => (request.Uri.Host, request.Method.Method, request.Authorization) switch
        {
            ("registry.example", _, null) => BasicChallenge(),
            ("registry.example", "POST", _) => Answer(HttpStatusCode.Accepted, null, ("Location", "https://uploads.example/session/1")),
            ("uploads.example", "PUT", null) => Answer(HttpStatusCode.Created),
            _ => Answer(HttpStatusCode.BadRequest, "credentials leaked to " + request.Uri.Host),
        });
        using var client = Client(handler, UserAndPassword);
        var content = Encoding.UTF8.GetBytes("layer");

        await client.UploadBlobAsync("acme/app", "sha256:" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), content.Length,
            () => new MemoryStream(content), CancellationToken.None);

        Assert.AreEqual("https://uploads.example/session/1", handler.Requests[^1].Uri.GetLeftPart(UriPartial.Path));
        Assert.IsNull(handler.Requests[^1].Authorization);
    }
}
