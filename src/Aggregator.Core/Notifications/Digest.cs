using System.Security.Cryptography;
using System.Text;
using Aggregator.Rules;

namespace Aggregator.Notifications;

/// <summary>The matches of one digest rule in one period, sent through one notifier as one message.</summary>
/// <param name="Held">Why these alerts were held (<see cref="DeliveryTiming.HeldByLimit"/> or
/// <see cref="DeliveryTiming.HeldByQuietHours"/>); null for a digest rule's period.</param>
public sealed record Digest(string DeliveryId, string Notifier, DigestPeriod Period, IReadOnlyList<Alert> Alerts, string? Held = null)
{
    public string Rule => Period.Rule;

    /// <summary>The zone the period is shown in: the one its rule's local times were read in when the alerts were
    /// queued (<see cref="Alert.TimeZone"/>); null for UTC.</summary>
    public TimeZoneInfo? Zone { get; } = LocalClock.FindZone(Alerts.Count > 0 ? Alerts[0].TimeZone : null);

    /// <summary>Stable for the same alerts, so a digest resent after a crash keeps its Message-ID and
    /// X-Aggregator-Delivery; a digest requeued with fewer alerts (the rest delivered) gets a new one.</summary>
    public static string IdFor(string notifier, DigestPeriod period, IEnumerable<string> alertDeliveryIds)
    {
        var text = $"{notifier}\n{period.Key}\n{string.Join('\n', alertDeliveryIds.Order(StringComparer.Ordinal))}";
        return "digest-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    /// <summary>"14 more matches for iran-russia" for alerts the flood guard held (the first ones went out alone),
    /// "3 matches during quiet hours" for quiet hours, "3 matches" for a digest rule; then the period, in the rule's zone.</summary>
    public string Summary =>
        Held switch
        {
            DeliveryTiming.HeldByLimit => $"{Alerts.Count} more {Matches} for {AlertText.OneLine(Rule)} (over its limit)",
            DeliveryTiming.HeldByQuietHours => $"{Alerts.Count} {Matches} during quiet hours",
            _ => $"{Alerts.Count} {Matches}",
        } + $", {AlertText.Period(Period.Start, Period.End, Zone)}";

    private string Matches => Alerts.Count == 1 ? "match" : "matches";
}
