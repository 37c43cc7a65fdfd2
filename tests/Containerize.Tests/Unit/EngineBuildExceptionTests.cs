using Containerize.Backends;

namespace Containerize.Tests.Unit;

[TestClass]
[TestCategory("Unit")]
public sealed class EngineBuildExceptionTests
{
    [TestMethod]
    [DataRow("failed to prepare extraction snapshot \"extract-142731643-_v_F sha256:4aaab81f2e86\": parent snapshot sha256:5a36074d14fc does not exist: not found", true)]
    [DataRow("process \"/bin/sh -c exit 100\" did not complete successfully: exit code: 100", false)]
    [DataRow("failed to compute cache key: \"/layers/5-app\" not found: not found", false)]
    public void Only_the_engines_own_snapshot_race_is_sent_again(string reason, bool transient) =>
        Assert.AreEqual(transient, new EngineBuildException(reason, "exporting to image", []).IsTransient);

    [TestMethod]
    public void A_build_that_failed_for_good_is_CTZ2005_with_its_step_and_output()
    {
        var diagnostic = new EngineBuildException("exit code: 100", "[2/5] RUN apt-get install nope", ["E: Unable to locate package nope"]).Diagnostic;

        Assert.AreEqual("CTZ2005", diagnostic.Code);
        Assert.AreEqual("The engine could not build the image: exit code: 100. The step that failed: [2/5] RUN apt-get install nope. Its last line of output:\n    E: Unable to locate package nope\n"
            + "The Dockerfile and its context are on disk; 'docker build' on that folder shows the same step.", diagnostic.Message);
    }
}
