using Aggregator.Storage;

namespace Aggregator.Refreshing;

/// <summary>When a feed is polled next: its interval within the configured bounds, doubled per consecutive
/// error, pushed out by what the server or feed asks (Retry-After, Cache-Control max-age, RSS ttl,
/// sy:updatePeriod) up to MaxInterval, and jittered so feeds added together drift apart.</summary>
public static class PollSchedule
{
    /// <param name="random">Random.Shared in the application (registered in DI, so a test can fix it).</param>
    public static DateTimeOffset Next(FeedRow feed, PollingOptions polling, DateTimeOffset now, int consecutiveErrors, TimeSpan? notSooner, Random random)
    {
        var interval = feed.IntervalSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : polling.Interval;
        interval = Clamp(interval, polling);
        if (consecutiveErrors > 0)
            interval = Clamp(interval * Math.Pow(2, Math.Min(consecutiveErrors - 1, 10)), polling);
        if (notSooner is { } wait && wait > interval)
            interval = wait > polling.MaxInterval ? polling.MaxInterval : wait;
        var jitter = interval * (random.NextDouble() * 0.1);
        return now + interval + jitter;
    }

    private static TimeSpan Clamp(TimeSpan value, PollingOptions polling) =>
        value < polling.MinInterval ? polling.MinInterval : value > polling.MaxInterval ? polling.MaxInterval : value;
}
