using Containerize.Backends;

namespace Containerize.Tests.Unit;

/// <summary>The names engines list images under, matched to the references Containerize asks about.</summary>
[TestClass]
[TestCategory("Unit")]
public sealed class EngineImageNamesTests
{
    [TestMethod]
    [DataRow("app:1.0.0", "app:1.0.0", DisplayName = "as written")]
    [DataRow("app:1.0.0", "docker.io/library/app:1.0.0", DisplayName = "Podman: built through its Docker-compatible API")]
    [DataRow("app:1.0.0", "localhost/app:1.0.0", DisplayName = "Podman: loaded under a name without a registry")]
    [DataRow("acme/app:1", "docker.io/acme/app:1", DisplayName = "Podman: a Docker Hub organisation")]
    [DataRow("docker.io/acme/app:1", "acme/app:1", DisplayName = "Docker: the familiar form of a docker.io name")]
    [DataRow("index.docker.io/library/app:1", "app:1", DisplayName = "Docker: Docker Hub's other host and library/")]
    [DataRow("localhost:5000/ctz/app:1", "localhost:5000/ctz/app:1", DisplayName = "a registry with a port")]
    [DataRow("ubuntu", "docker.io/library/ubuntu", DisplayName = "a repository without a tag (RepoDigests' name part)")]
    [DataRow("localhost:5000/tiny@sha256:623d264a819da55c081e7d15dd91ebc0b6ac34120e024e88faa647cab5bbc27d",
        "localhost:5000/tiny@sha256:623d264a819da55c081e7d15dd91ebc0b6ac34120e024e88faa647cab5bbc27d", DisplayName = "a digest reference")]
    public void Names_of_the_same_image_match(string asked, string listed) => Assert.IsTrue(EngineImageNames.Same(asked, listed));

    [TestMethod]
    [DataRow("app:1.0.0", "app:latest", DisplayName = "another tag")]
    [DataRow("app:1.0.0", "docker.io/other/app:1.0.0", DisplayName = "another organisation")]
    [DataRow("app:1.0.0", "localhost:5000/app:1.0.0", DisplayName = "a registry the name does not have")]
    [DataRow("localhost:5000/app:1", "localhost/app:1", DisplayName = "a port is part of the registry")]
    [DataRow("ghcr.io/acme/app:1", "localhost/ghcr.io/acme/app:1", DisplayName = "localhost/ stands in for no registry only")]
    [DataRow("acme/app:1", "localhost/app:1", DisplayName = "the whole repository counts")]
    [DataRow("app:1", "<none>:<none>", DisplayName = "an untagged image")]
    public void Names_of_other_images_do_not(string asked, string listed) => Assert.IsFalse(EngineImageNames.Same(asked, listed));

    [TestMethod]
    [DataRow("docker.io/acme/app:1", "docker.io/acme/app:1|acme/app:1", DisplayName = "Docker Hub: the familiar form too")]
    [DataRow("index.docker.io/library/app:1", "index.docker.io/library/app:1|app:1", DisplayName = "Docker Hub's other host, library/")]
    [DataRow("library/app@sha256:623d264a819da55c081e7d15dd91ebc0b6ac34120e024e88faa647cab5bbc27d",
        "library/app@sha256:623d264a819da55c081e7d15dd91ebc0b6ac34120e024e88faa647cab5bbc27d|app@sha256:623d264a819da55c081e7d15dd91ebc0b6ac34120e024e88faa647cab5bbc27d", DisplayName = "library/ without a registry")]
    [DataRow("app:1", "app:1", DisplayName = "already familiar")]
    [DataRow("acme/app:1", "acme/app:1", DisplayName = "an organisation, already familiar")]
    [DataRow("docker.io/library/acme/app:1", "docker.io/library/acme/app:1|library/acme/app:1", DisplayName = "library/ kept when more follows")]
    [DataRow("localhost:5000/app:1", "localhost:5000/app:1", DisplayName = "another registry: as written")]
    public void The_list_is_asked_for_the_name_and_Docker_Hubs_familiar_form(string name, string forms) =>
        CollectionAssert.AreEqual(forms.Split('|'), EngineImageNames.FilterForms(name).ToList());
}
