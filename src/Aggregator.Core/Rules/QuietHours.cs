using System.Globalization;

namespace Aggregator.Rules;

/// <summary>"22:00-07:00": the local hours in which alerts are held, to go out as one digest when they end. A range
/// whose end is earlier than its start runs over midnight.</summary>
public sealed record QuietHours(TimeOnly Start, TimeOnly End)
{
    public const string Hint = "a range of local times like \"22:00-07:00\" (HH:mm-HH:mm, start and end different)";

    public static bool TryParse(string? text, out QuietHours? hours)
    {
        hours = null;
        var parts = text?.Split('-');
        if (parts is not [var start, var end]
            || !TimeOnly.TryParseExact(start.Trim(), ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
            || !TimeOnly.TryParseExact(end.Trim(), ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)
            || from == to)
            return false;
        hours = new QuietHours(from, to);
        return true;
    }

    /// <summary>The quiet period that <paramref name="at"/> falls in, from its start (inclusive) to its end, computed in
    /// <paramref name="zone"/>, so "22:00-07:00" is nine hours on most nights and eight or ten across a clock change.</summary>
    /// <returns>Null when <paramref name="at"/> is outside quiet hours.</returns>
    public (DateTimeOffset Start, DateTimeOffset End)? PeriodContaining(DateTimeOffset at, TimeZoneInfo zone)
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        foreach (var day in (ReadOnlySpan<DateOnly>)[today.AddDays(-1), today])
        {
            var start = LocalClock.ToInstant(day.ToDateTime(Start), zone);
            var end = LocalClock.ToInstant((End > Start ? day : day.AddDays(1)).ToDateTime(End), zone);
            if (at >= start && at < end) return (start, end);
        }
        return null;
    }

    public override string ToString() => $"{Start:HH\\:mm}-{End:HH\\:mm}";
}
