using System.Globalization;

namespace Aggregator.Notifications;

/// <summary>One period of a digest rule: matches made from <see cref="Start"/> (inclusive) to <see cref="End"/>
/// go out together at End. Periods are aligned to the Unix epoch in UTC, so "1h" closes on the hour and
/// "1d" at midnight UTC, whenever the service was started.</summary>
public sealed record DigestPeriod(string Rule, DateTimeOffset Start, DateTimeOffset End)
{
    public static DigestPeriod Containing(string rule, TimeSpan length, DateTimeOffset at)
    {
        var sinceEpoch = at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var start = DateTimeOffset.UnixEpoch.AddTicks(sinceEpoch - sinceEpoch % length.Ticks);
        return new DigestPeriod(rule, start, start + length);
    }

    /// <summary>outbox.digest_key: the period as an ISO 8601 interval, a space, the rule name. A row joins
    /// its digest when it is stored, never later, so a resent digest carries the same alerts.</summary>
    public string Key => $"{AlertText.IsoDate(Start)}/{AlertText.IsoDate(End)} {Rule}";

    public static DigestPeriod Parse(string key)
    {
        var space = key.IndexOf(' ');
        var slash = key.IndexOf('/');
        if (space < 0 || slash < 0 || slash > space) throw new FormatException($"not a digest key: \"{key}\"");
        return new DigestPeriod(key[(space + 1)..], ParseDate(key[..slash]), ParseDate(key[(slash + 1)..space]));
    }

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
