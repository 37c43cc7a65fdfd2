using System.Text.Json;
using Containerize.Backends;
using Containerize.Diagnostics;
using Containerize.Tests.Unit.Support;
using Docker.DotNet.Models;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class EngineMessagesTests
{
    private const string PushedDigest = "sha256:5e778de67cb38cdb6e14c839775a771cf8356b66672e926b901559ebfcf4e5ee";

    /// <summary>Engine 20.10 (its own image store): the digest comes twice, as a status line and as an aux message.</summary>
    private static readonly string[] ClassicPush =
    [
        """{"status":"The push refers to repository [localhost:5000/ctz-probe/tiny]"}""",
        """{"status":"Preparing","progressDetail":{},"id":"acd1203dd5bf"}""",
        """{"status":"Mounted from ctz-test/tiny","progressDetail":{},"id":"acd1203dd5bf"}""",
        """{"status":"1: digest: sha256:5e778de67cb38cdb6e14c839775a771cf8356b66672e926b901559ebfcf4e5ee size: 527"}""",
        """{"progressDetail":{},"aux":{"Tag":"1","Digest":"sha256:5e778de67cb38cdb6e14c839775a771cf8356b66672e926b901559ebfcf4e5ee","Size":527}}""",
    ];

    [TestMethod]
    public void ThePushedDigestIsTakenFromTheAuxMessage()
    {
        var messages = Feed(ClassicPush);

        Assert.AreEqual(PushedDigest, messages.Digest);
        Assert.IsNull(messages.Error);
    }

    [TestMethod]
    public void WithoutAnAuxMessageThePushedDigestIsTakenFromTheStatusLine()
    {
        var messages = Feed(ClassicPush[..^1]);

        Assert.AreEqual(PushedDigest, messages.Digest);
    }

    [TestMethod]
    public void AStatusLineThatOnlyMentionsADigestIsNotTakenForThePushedOne()
    {
        var messages = Feed(["""{"status":"Digest: sha256:5e778de67cb38cdb6e14c839775a771cf8356b66672e926b901559ebfcf4e5ee"}"""]);

        Assert.IsNull(messages.Digest);
    }

    [TestMethod]
    public void TheFirstErrorIsKept()
    {
        var messages = Feed([ClassicPush[0], """{"errorDetail":{"message":"denied: requested access to the resource is denied"},"error":"denied: requested access to the resource is denied"}"""]);

        Assert.AreEqual("denied: requested access to the resource is denied", messages.Error);
        Assert.IsNull(messages.Digest);
    }

    /// <summary>Engine 20.10's legacy builder, a RUN step that prints 23 lines and a coloured error, then fails.</summary>
    private static readonly string[] FailedBuild =
    [
        """{"stream":"Step 1/3 : FROM localhost:5000/ctz-test/tiny:1"}""",
        """{"stream":"\n"}""",
        """{"stream":" ---\u003e bf1c7185d4fe\n"}""",
        """{"stream":"Step 2/3 : RUN echo first"}""",
        """{"stream":"\n"}""",
        """{"stream":" ---\u003e [Warning] IPv4 forwarding is disabled. Networking will not work.\n"}""",
        """{"stream":" ---\u003e Running in ad5db20f2284\n"}""",
        """{"stream":"first\n"}""",
        """{"stream":"Removing intermediate container ad5db20f2284\n"}""",
        """{"stream":" ---\u003e c0f7b0febf57\n"}""",
        """{"stream":"Step 3/3 : RUN for i in $(seq 1 23); do echo \"line $i\"; done; echo \"E: Unable to locate package nope\" \u003e\u00262; exit 100"}""",
        """{"stream":"\n"}""",
        """{"stream":" ---\u003e [Warning] IPv4 forwarding is disabled. Networking will not work.\n"}""",
        """{"stream":" ---\u003e Running in 90eb1730daea\n"}""",
        """{"stream":"line 1\nline 2\nline 3\nline 4\nline 5\nline 6\nline 7\nline 8\nline 9\nline 10\nline 11\nline 12\nline 13\nline 14\nline 15\nline 16\nline 17\nline 18\nline 19\nline 20\nline 21\nline 22\nline 23\n"}""",
        """{"stream":"\u001b[91mE: Unable to locate package nope\n\u001b[0m"}""",
        """{"stream":"Removing intermediate container 90eb1730daea\n"}""",
        """{"errorDetail":{"code":100,"message":"The command '/bin/sh -c for i in $(seq 1 23); do echo \"line $i\"; done; echo \"E: Unable to locate package nope\" \u003e\u00262; exit 100' returned a non-zero code: 100"},"error":"The command '/bin/sh -c for i in $(seq 1 23); do echo \"line $i\"; done; echo \"E: Unable to locate package nope\" \u003e\u00262; exit 100' returned a non-zero code: 100"}""",
    ];

    [TestMethod]
    public void AFailedBuildKeepsTheFailedStepAndItsLastTwentyLinesWithoutColours()
    {
        var messages = Feed(FailedBuild);

        Assert.AreEqual("RUN for i in $(seq 1 23); do echo \"line $i\"; done; echo \"E: Unable to locate package nope\" >&2; exit 100", messages.Step);
        Assert.AreSequenceEqual(Enumerable.Range(5, 19).Select(i => $"line {i}").Append("E: Unable to locate package nope").ToList(), messages.StepOutput.ToList());
        StringAssert.EndsWith(messages.Error, "returned a non-zero code: 100");
    }

    [TestMethod]
    public void TheBuildErrorNamesTheStepAndShowsItsLastLines()
    {
        var error = Errors.BuildFailed("The command '/bin/sh -c apt-get install -y nope' returned a non-zero code: 100", "RUN apt-get install -y nope",
            ["Reading package lists...", "E: Unable to locate package nope"]);

        Assert.AreEqual("CTZ2005", error.Code);
        Assert.AreEqual(
            "The engine could not build the image: The command '/bin/sh -c apt-get install -y nope' returned a non-zero code: 100. The step that failed: RUN apt-get install -y nope. Its last 2 lines of output:\n"
            + "    Reading package lists...\n    E: Unable to locate package nope\n"
            + "The Dockerfile and its context are on disk; 'docker build' on that folder shows the same step.",
            error.Message);
    }

    private static EngineMessages Feed(IEnumerable<string> lines)
    {
        var messages = new EngineMessages(new RecordingBuildLog());
        foreach (var line in lines)
        {
            messages.Report(JsonSerializer.Deserialize<JSONMessage>(line)!);
        }

        return messages;
    }
}
