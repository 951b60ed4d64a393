namespace Keystone.Auth.Tests;

/// <summary>
/// The suites are built for net8.0 and net10.0; the net8.0 leg is self-contained
/// with the 8.0 runtime pack. A leg that silently rolled forward onto the
/// machine's .NET 10 would prove nothing about .NET 8, so check the runtime.
/// </summary>
public sealed class TargetRuntimeTests
{
    [Fact]
    public void The_tests_run_on_the_runtime_they_were_built_for()
    {
#if NET10_0_OR_GREATER
        const int expected = 10;
#else
        const int expected = 8;
#endif
        Assert.Equal(expected, Environment.Version.Major);
        Assert.Equal(expected, typeof(KeystoneSession).Assembly.GetReferencedAssemblies()
            .Single(a => a.Name == "System.Runtime").Version!.Major);
    }
}
