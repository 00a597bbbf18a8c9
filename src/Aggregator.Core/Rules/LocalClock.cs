namespace Aggregator.Rules;

/// <summary>Wall-clock times in a time zone, as quiet hours and local digest schedules are written.</summary>
public static class LocalClock
{
    public const string ZoneHint = "an IANA time zone name like \"Europe/London\" or \"America/New_York\"";

    /// <summary>The zone of an IANA name (or a Windows one, which .NET also reads); null when it is not known here.</summary>
    public static TimeZoneInfo? FindZone(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name.Trim());
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The instant a wall-clock time names in a zone, read as Quartz reads a cron schedule: a time the clocks skip
    /// (01:30 on the night they go forward in London) is the instant they jumped, the first at or past it on the clock
    /// (01:00Z, 02:00 summer time); a time that happens twice (the night they go back) is its first occurrence.</summary>
    public static DateTimeOffset ToInstant(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsAmbiguousTime(local))
            return new DateTimeOffset(local.Ticks - zone.GetAmbiguousTimeOffsets(local).Max().Ticks, TimeSpan.Zero);
        if (!zone.IsInvalidTime(local))
            return new DateTimeOffset(local.Ticks - zone.GetUtcOffset(local).Ticks, TimeSpan.Zero);
        // In a gap: from an instant read before it (with the offset after it), a minute at a time to the jump. Gaps
        // are an hour or two, on two nights a year.
        var instant = new DateTimeOffset(local.Ticks - zone.GetUtcOffset(local.AddHours(3)).Ticks, TimeSpan.Zero);
        instant = new DateTimeOffset(instant.Ticks - instant.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
        while (TimeZoneInfo.ConvertTime(instant, zone).DateTime < local) instant = instant.AddMinutes(1);
        return instant;
    }
}
