using System.Diagnostics;

namespace Aggregator.Tests.Support;

/// <summary>Waits for state that the code under test reaches on a thread of its own and announces nowhere (a checkpoint
/// copying the log into the database file): looks every few milliseconds until it holds, and fails with what was
/// awaited once the deadline has passed. The deadline only bounds a failure; a pass takes as long as the state takes.</summary>
public static class Eventually
{
    public static Task TrueAsync(Func<bool> condition, Func<string> failure, TimeSpan? timeout = null) =>
        TrueAsync(() => Task.FromResult(condition()), failure, timeout);

    /// <summary>The same for state read by a query (a database row, processes' logs): the condition may also throw, to
    /// fail at once on what can no longer come right.</summary>
    /// <param name="interval">Between looks; a query wants more than the default 10 ms.</param>
    public static async Task TrueAsync(Func<Task<bool>> condition, Func<string> failure, TimeSpan? timeout = null, TimeSpan? interval = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds * Stopwatch.Frequency);
        while (!await condition())
        {
            if (Stopwatch.GetTimestamp() > deadline) Assert.Fail(failure());
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(10), TestContext.Current.CancellationToken);
        }
    }
}
