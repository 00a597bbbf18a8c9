using System.Text;
using Aggregator.Notifications;
using MimeKit;

namespace Aggregator.Tests.Notifications;

/// <summary>An operational alert is marked as one wherever it lands, so that people and receivers can tell "the monitor
/// is in trouble" from "a rule matched": the generic webhook body documented in docs/notifications.md, the email's
/// subject and headers, the console's heading.</summary>
public sealed class OperationalAlertFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private static Alert Failing(string? feedUrl = "https://example.org/isw/feed.xml") => Alert.Operational("health-7-problem-ops", "ops",
        "feed_failing", "problem", "ISW", "Feed 'ISW' is failing", "Feed 'ISW' has failed 5 polls in a row; last error: HTTP 500.",
        feedUrl is null ? null : "ISW", feedUrl, At, At);

    [Fact]
    public void TheGenericWebhookBodyIsMarkedOperationalWithEveryDocumentedKey()
    {
        var body = Encoding.UTF8.GetString(WebhookBody.Generic(Failing()).Content);
        Assert.Equal("""{"kind":"operational","deliveryId":"health-7-problem-ops","problem":"feed_failing","state":"problem","subject":"ISW","title":"Feed 'ISW' is failing","detail":"Feed 'ISW' has failed 5 polls in a row; last error: HTTP 500.","feed":{"name":"ISW","url":"https://example.org/isw/feed.xml"},"since":"2026-11-23T14:00:00Z","at":"2026-11-23T14:00:00Z"}""", body);

        var notifier = Encoding.UTF8.GetString(WebhookBody.Generic(Failing(feedUrl: null)).Content);
        Assert.Contains("\"feed\":null", notifier);
    }

    [Fact]
    public void TheEmailSubjectAndHeadersSayOperationalAndTheTextHasNoMatchedTerms()
    {
        var message = AlertEmail.Build(AlertJson.Deserialize(AlertJson.Serialize(Failing())), new MailboxAddress("", "a@example.test"),
            [new MailboxAddress("", "b@example.test")], At);
        Assert.Equal("[Aggregator] operational: Feed 'ISW' is failing", message.Subject);
        Assert.Equal("operational", message.Headers["X-Aggregator-Kind"]);
        Assert.Equal("feed_failing problem", message.Headers["X-Aggregator-Problem"]);
        Assert.StartsWith("Operational: Feed 'ISW' is failing", message.TextBody);
        Assert.Contains("Since:     2026-11-23 14:00 UTC", message.TextBody);
        Assert.DoesNotContain("Matched", message.TextBody);
        Assert.DoesNotContain("Matched", message.HtmlBody);
    }

    [Fact]
    public void TheConsoleHeadingSaysOperationalNotARulesMatch()
    {
        Assert.StartsWith("=== [Aggregator] operational: feed_failing (problem) ", ConsoleNotifier.Format(Failing()));
        Assert.Contains("Match for rule", ConsoleNotifier.Format(Support.AlertSamples.Typical()));
    }
}
