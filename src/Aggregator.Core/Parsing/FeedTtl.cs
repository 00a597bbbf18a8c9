namespace Aggregator.Parsing;

/// <summary>How often a feed says it changes: RSS &lt;ttl&gt; (minutes), else sy:updatePeriod / sy:updateFrequency.</summary>
internal static class FeedTtl
{
    public static TimeSpan? From(string? ttl, string? updatePeriod, string? updateFrequency)
    {
        if (int.TryParse(ttl?.Trim(), out var minutes) && minutes > 0) return TimeSpan.FromMinutes(minutes);
        TimeSpan? period = updatePeriod?.Trim().ToLowerInvariant() switch
        {
            "hourly" => TimeSpan.FromHours(1),
            "daily" => TimeSpan.FromDays(1),
            "weekly" => TimeSpan.FromDays(7),
            "monthly" => TimeSpan.FromDays(30),
            "yearly" => TimeSpan.FromDays(365),
            _ => null,
        };
        return int.TryParse(updateFrequency?.Trim(), out var frequency) && frequency > 0 ? period / frequency : period;
    }
}
