using Aggregator.Notifications;

namespace Aggregator.Tests.Support;

/// <summary>Alerts for notifier and dispatcher tests; override fields with a <c>with</c> expression.</summary>
public static class AlertSamples
{
    /// <summary>A full alert whose summary contains both matched terms and characters HTML must escape.</summary>
    public static Alert Typical(string deliveryId = "dlv-0001") => new()
    {
        DeliveryId = deliveryId,
        Rule = "ukraine-energy",
        Notifier = "ops",
        Feed = "ISW",
        FeedUrl = "https://example.org/isw/feed.xml",
        EntryId = "tag:example.org,2025:entry-42",
        Title = "Strikes on Ukraine's power grid <update>",
        Link = "https://example.org/isw/2025/05/01/grid",
        Published = new DateTimeOffset(2025, 5, 1, 14, 30, 0, TimeSpan.FromHours(2)),
        Author = "Jane Analyst",
        Summary = "Russian forces struck Ukraine's energy infrastructure overnight. Grid operators & <b>engineers</b> restored power by morning.",
        SummaryHtml = "<p>Russian forces struck <b>Ukraine's</b> energy infrastructure overnight.<script>alert(1)</script></p>",
        MatchedTerms = ["Ukraine", "energy"],
        MatchedAt = new DateTimeOffset(2025, 5, 1, 12, 35, 10, TimeSpan.Zero),
    };
}
