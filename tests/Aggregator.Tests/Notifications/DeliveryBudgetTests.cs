using Aggregator.Notifications;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Aggregator.Tests.Notifications;

/// <summary>One entry cannot stall delivery: its HTML is refused before a tree is built when too deep or too
/// long, and the notifier's Timeout covers building the message, so an overrun is dead-lettered with the reason.</summary>
public sealed class DeliveryBudgetTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2025, 5, 1, 12, 40, 0, TimeSpan.Zero);
    private SmtpServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await SmtpServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task AnEntryWithAHundredThousandNestedDivsIsEmailedWithItsPlainTextSummary()
    {
        var alert = AlertSamples.Typical() with
        {
            SummaryHtml = string.Concat(Enumerable.Repeat("<div>", 100_000)) + "Russian forces struck Ukraine's energy grid.",
            Summary = "Russian forces struck Ukraine's energy grid.",
        };
        using var notifier = new SmtpNotifier("mail", _server.NotifierOptions(), TimeProvider.System, NullLogger<SmtpNotifier>.Instance);

        var outcome = await notifier.SendAsync(alert, Ct);

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        var html = Assert.Single(await _server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10))).HtmlBody;
        Assert.Contains("<p style=\"white-space: pre-wrap\">Russian forces struck <mark>Ukraine</mark>&#39;s <mark>energy</mark> grid.</p>", html);
        Assert.DoesNotContain("<div><div>", html);
    }

    [Fact]
    public async Task AMessageThatCannotBeBuiltWithinTheTimeoutIsDeadLetteredNamingTheEntryAndTheLimit()
    {
        var time = new FakeTimeProvider(Start);
        var alert = AlertSamples.Typical() with { Notifier = "mail" };
        using var queued = await QueuedAlerts.CreateAsync(Start, alert);
        var building = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var release = new ManualResetEventSlim();
        var options = _server.NotifierOptions();
        options.Timeout = TimeSpan.FromSeconds(30);
        // A build that takes as long as the test says: it starts, and ends only once the test lets it.
        var slow = new SmtpNotifier("mail", options, time, NullLogger<SmtpNotifier>.Instance, (a, from, to, now) =>
        {
            building.SetResult();
            release.Wait(TimeSpan.FromMinutes(1));
            return AlertEmail.Build(a, from, to, now);
        });
        using var notifiers = Registry.Of(slow);

        var delivering = queued.DeliverAsync(notifiers, time, Ct);
        await building.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        time.Advance(TimeSpan.FromSeconds(31));
        var report = await delivering.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        release.Set();

        Assert.Equal(1, report.Dead);
        var row = await queued.RowAsync(alert.DeliveryId);
        Assert.Equal("dead", row.Status);
        Assert.Equal(
            $"SMTP {_server.Host}:{_server.Port}: entry 'tag:example.org,2025:entry-42' of feed ISW: its message took longer than 30 s to build (Notifiers:mail:Timeout); sent nothing",
            row.LastError);
        Assert.Empty(_server.Messages);
    }

    [Fact]
    public void DigestsAndChatFormatsCarryPlainTextOnlyNotTheEntrysHtml()
    {
        var alert = AlertSamples.Typical() with { SummaryHtml = "<p><b>entry-html-marker</b></p>" };
        var digest = new Digest("digest-1", "ops", new DigestPeriod("ukraine-energy", Start, Start.AddHours(1)), [alert]);
        var from = new MailboxAddress("", "a@example.org");
        MailboxAddress[] to = [new("", "b@example.org")];

        var email = AlertEmail.BuildDigest(digest, from, to, Start);
        Assert.DoesNotContain("entry-html-marker", email.HtmlBody);
        Assert.DoesNotContain("entry-html-marker", email.TextBody);
        foreach (var format in WebhookBody.Formats)
        {
            Assert.DoesNotContain("entry-html-marker", System.Text.Encoding.UTF8.GetString(WebhookBody.Create(format, alert).Content));
            Assert.DoesNotContain("entry-html-marker", System.Text.Encoding.UTF8.GetString(WebhookBody.CreateDigest(format, digest).Content));
        }
    }
}
