using Aggregator.Rules;
using Aggregator.Storage;

namespace Aggregator.Notifications;

/// <summary>Decides when a new alert goes out, as it is queued: now; at the end of its digest rule's period; or held,
/// to go out as one digest with the others held with it, at the end of quiet hours or of the flood-guard window.
/// The decision is stored with the row, so nothing has to release it later, and a crash loses nothing.</summary>
/// <param name="notifiers">Each notifier's quiet hours and zone, from "Notifiers" (checked at start).</param>
/// <param name="machineZone">The zone when neither rule nor notifier names one: TimeZoneInfo.Local in the application.</param>
public sealed class DeliveryTiming(IReadOnlyDictionary<string, NotifierOptions> notifiers, TimeZoneInfo machineZone)
{
    public const string HeldByLimit = "limit";
    public const string HeldByQuietHours = "quiet";

    private readonly Dictionary<string, (QuietHours? Quiet, TimeZoneInfo? Zone)> _notifiers = notifiers.ToDictionary(
        n => n.Key,
        n => (QuietHours.TryParse(n.Value.QuietHours, out var quiet) ? quiet : null, LocalClock.FindZone(n.Value.TimeZone)),
        StringComparer.OrdinalIgnoreCase);

    /// <summary>The zone a rule's quiet hours and local digests are read in for one notifier: the rule's, else the
    /// notifier's, else the machine's.</summary>
    public TimeZoneInfo ZoneFor(Rule rule, string notifier) =>
        rule.TimeZone ?? _notifiers.GetValueOrDefault(notifier).Zone ?? machineZone;

    /// <summary>The rule's quiet hours, else the notifier's; none for an urgent rule.</summary>
    public QuietHours? QuietHoursFor(Rule rule, string notifier) =>
        rule.Urgent ? null : rule.QuietHours ?? _notifiers.GetValueOrDefault(notifier).Quiet;

    /// <summary>Decides, inside the transaction that queues the alert (the flood guard counts it there).</summary>
    public async Task<QueuedAs> DecideAsync(WriteScope write, Rule rule, string notifier, DateTimeOffset now)
    {
        var zone = ZoneFor(rule, notifier);
        var quiet = QuietHoursFor(rule, notifier);
        // Whatever falls due during quiet hours waits for their end: a digest or a held batch too.
        DateTimeOffset AfterQuiet(DateTimeOffset due) => quiet?.PeriodContaining(due, zone) is { } night ? night.End : due;

        if (rule.Digest is { } schedule && DigestPeriodFor(rule.Name, schedule, zone, now) is { } period)
            return new QueuedAs(AfterQuiet(period.End), period.Key, null);
        if (quiet?.PeriodContaining(now, zone) is { } quietNow)
            return new QueuedAs(quietNow.End, new DigestPeriod(rule.Name, quietNow.Start, quietNow.End).Key, HeldByQuietHours);
        if (rule.Limit is { } limit)
        {
            var window = DigestPeriod.Containing(rule.Name, limit.Window, now);
            if (await AlertCountStore.AddAsync(write, rule.Name, notifier, window.Start) > limit.Count)
                return new QueuedAs(AfterQuiet(window.End), window.Key, HeldByLimit);
        }
        return new QueuedAs(now, null, null);
    }

    /// <summary>The digest period a match made at <paramref name="at"/> belongs to; null when a cron schedule never fires
    /// again (the alert then goes out alone rather than never).</summary>
    public static DigestPeriod? DigestPeriodFor(string rule, DigestSchedule schedule, TimeZoneInfo zone, DateTimeOffset at) =>
        schedule.Every is { } every ? DigestPeriod.Containing(rule, every, at)
        : schedule.LocalPeriodContaining(at, zone) is { } local ? new DigestPeriod(rule, local.Start, local.End)
        : null;
}
