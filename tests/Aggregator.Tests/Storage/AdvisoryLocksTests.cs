using System.Reflection;
using Aggregator.Storage;

namespace Aggregator.Tests.Storage;

/// <summary>Two uses of one advisory lock key wait for each other for nothing (retention's first key was the feed
/// sync's): every key in the list is its own.</summary>
public sealed class AdvisoryLocksTests
{
    [Fact]
    public void EveryAdvisoryLockHasAKeyOfItsOwn()
    {
        var keys = typeof(AdvisoryLocks).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (long)f.GetRawConstantValue()!).ToList();
        Assert.True(keys.Count >= 5, $"{keys.Count} keys");
        Assert.Equal(keys.Count, keys.Distinct().Count());
    }
}
