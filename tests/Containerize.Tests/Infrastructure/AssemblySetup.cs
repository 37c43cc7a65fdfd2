namespace Containerize.Tests.Infrastructure;

[TestClass]
public static class AssemblySetup
{
    [AssemblyInitialize]
    public static void Initialize(TestContext context) => PackedPackages.ForgetCachedCopies();
}
