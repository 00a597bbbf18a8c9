using System.Diagnostics;

namespace Aggregator.Tests.Support;

/// <summary>Waits for state that the code under test reaches on a thread of its own and announces nowhere (a checkpoint
/// copying the log into the database file): looks every few milliseconds until it holds, and fails with what was
/// awaited once the deadline has passed. The deadline only bounds a failure; a pass takes as long as the state takes.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, Func<string> failure, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds * Stopwatch.Frequency);
        while (!condition())
        {
            if (Stopwatch.GetTimestamp() > deadline) Assert.Fail(failure());
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }
}
