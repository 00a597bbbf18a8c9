using System.Security.Cryptography;
using System.Text;

namespace Aggregator.Notifications;

/// <summary>The matches of one digest rule in one period, sent through one notifier as one message.</summary>
public sealed record Digest(string DeliveryId, string Notifier, DigestPeriod Period, IReadOnlyList<Alert> Alerts)
{
    public string Rule => Period.Rule;

    /// <summary>Stable for the same alerts, so a digest resent after a crash keeps its Message-ID and
    /// X-Aggregator-Delivery; a digest requeued with fewer alerts (the rest delivered) gets a new one.</summary>
    public static string IdFor(string notifier, DigestPeriod period, IEnumerable<string> alertDeliveryIds)
    {
        var text = $"{notifier}\n{period.Key}\n{string.Join('\n', alertDeliveryIds.Order(StringComparer.Ordinal))}";
        return "digest-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];
    }

    public string Summary =>
        $"{Alerts.Count} {(Alerts.Count == 1 ? "match" : "matches")}, {AlertText.Date(Period.Start)} to {AlertText.Date(Period.End)}";
}
