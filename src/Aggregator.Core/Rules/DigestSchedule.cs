using Quartz;

namespace Aggregator.Rules;

/// <summary>When a digest rule's matches go out, rules.json "digest": every fixed length aligned to UTC ("1h", as
/// before), or at local times: "daily 08:00", "weekdays 07:30" or a Quartz cron expression, in the rule's time zone.
/// A local period runs from one firing to the next, so it is 23 or 25 hours long across a clock change.</summary>
public sealed class DigestSchedule
{
    public const string Hint = "a duration like 15m, 2h or 1d (at most 7d), \"daily 08:00\", \"weekdays 07:30\" " +
        "or a Quartz cron expression like \"0 0 8,17 ? * MON-FRI\" (seconds minutes hours day-of-month month day-of-week)";

    private DigestSchedule(string text, TimeSpan? every, string? cron)
    {
        Text = text;
        Every = every;
        Cron = cron;
    }

    /// <summary>As written in rules.json.</summary>
    public string Text { get; }

    /// <summary>A fixed period aligned to the Unix epoch in UTC; null for a local schedule.</summary>
    public TimeSpan? Every { get; }

    /// <summary>The Quartz cron expression of a local schedule ("daily 08:00" is "0 0 8 ? * *"); null for a fixed period.</summary>
    public string? Cron { get; }

    /// <param name="fixedPeriod">How the caller reads "1h": the Duration rules live above this folder.</param>
    /// <returns>Null when the text is none of the forms; <paramref name="problem"/> then says what is wrong with a cron.</returns>
    public static DigestSchedule? Parse(string text, Func<string, TimeSpan?> fixedPeriod, out string? problem)
    {
        problem = null;
        var trimmed = text.Trim();
        if (fixedPeriod(trimmed) is { } every) return new DigestSchedule(trimmed, every, null);
        var words = trimmed.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? cron = null;
        if (words is [var days, var clock] && TimeOnly.TryParseExact(clock, ["H:mm", "HH:mm"], System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.None, out var at))
        {
            cron = days.ToLowerInvariant() switch
            {
                "daily" => $"0 {at.Minute} {at.Hour} ? * *",
                "weekdays" => $"0 {at.Minute} {at.Hour} ? * MON-FRI",
                _ => null,
            };
            if (cron is null) return null;
        }
        else if (words.Length is 6 or 7)
        {
            try
            {
                var expression = new CronExpression(trimmed, TimeZoneInfo.Utc);
                // The real clock, not the service's: only to refuse an expression whose every firing is past.
                if (expression.GetNextValidTimeAfter(DateTimeOffset.UtcNow) is null)
                {
                    problem = $"the cron expression \"{trimmed}\" never fires again";
                    return null;
                }
                cron = trimmed;
            }
            catch (FormatException ex)
            {
                problem = $"\"{trimmed}\" is not a valid Quartz cron expression ({ex.Message.TrimEnd('.')})";
                return null;
            }
        }
        return cron is null ? null : new DigestSchedule(trimmed, null, cron);
    }

    /// <summary>The local period that <paramref name="at"/> falls in: from the last firing at or before it to the next
    /// one after it. Null when the schedule never fires again.</summary>
    public (DateTimeOffset Start, DateTimeOffset End)? LocalPeriodContaining(DateTimeOffset at, TimeZoneInfo zone)
    {
        if (Cron is null) return null;
        var expression = new CronExpression(Cron, zone);
        if (expression.GetNextValidTimeAfter(at) is not { } end) return null;
        // Quartz cannot go backwards: look back a minute, then twice as far each time, and step forward to the last firing.
        for (var back = TimeSpan.FromMinutes(1); back <= TimeSpan.FromDays(800); back *= 2)
        {
            if (expression.GetNextValidTimeAfter(at - back) is { } first && first <= at)
            {
                var start = first;
                while (expression.GetNextValidTimeAfter(start) is { } next && next <= at) start = next;
                return (start, end);
            }
        }
        return (DateTimeOffset.UnixEpoch, end); // first firing still ahead (a cron with a year): one long first period
    }

    public override string ToString() => Text;
}
