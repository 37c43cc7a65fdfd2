using Containerize.Backends.BuildKit;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class BuildKitRequestTests
{
    [TestMethod]
    public void The_build_request_names_BuildKit_the_tags_the_network_the_arguments_and_the_session() =>
        Assert.AreEqual(
            "/build?version=2&rm=1&forcerm=1&dockerfile=Dockerfile&t=localhost%3A5000%2Fshop%3A1.0&t=shop%3Alatest&networkmode=none"
            + "&buildargs=%7B%22FEED%22%3A%22a%20b%22%7D&session=0123abc",
            BuildKitRequest.Path("Dockerfile", ["localhost:5000/shop:1.0", "shop:latest"], "none", [new("FEED", "a b")], "0123abc"));

    [TestMethod]
    public void A_build_with_nothing_to_call_back_names_no_session() =>
        Assert.AreEqual("/build?version=2&rm=1&forcerm=1&dockerfile=Dockerfile&t=shop%3A1", BuildKitRequest.Path("Dockerfile", ["shop:1"], "", [], null));

    [TestMethod]
    [DataRow("{\"message\":\"dockerfile parse error line 2: unknown instruction: RUNN\"}\n", "dockerfile parse error line 2: unknown instruction: RUNN")]
    [DataRow("page not found\n", "page not found")]
    [DataRow("[1]", "[1]")]
    public void A_refusal_says_the_engines_message(string body, string expected) =>
        Assert.AreEqual(expected, BuildKitRequest.ErrorOf(body));
}
