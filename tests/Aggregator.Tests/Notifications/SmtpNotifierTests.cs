using System.Net;
using System.Net.Sockets;
using Aggregator.Notifications;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Aggregator.Tests.Notifications;

/// <summary>SmtpNotifier against aiosmtpd on loopback; see <see cref="SmtpServer"/> for the recipients
/// that make it refuse (reject*@) or defer (defer*@).</summary>
[Trait("Category", "EndToEnd")] // aiosmtpd
public sealed class SmtpNotifierTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 5, 1, 12, 40, 0, TimeSpan.Zero));
    private SmtpServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await SmtpServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private SmtpNotifier Notifier(NotifierOptions options) =>
        new("mail", options, TimeProvider.System, NullLogger<SmtpNotifier>.Instance);

    [Fact]
    public async Task AnEmailedAlertArrivesWithSubjectMessageIdHeadersAndEveryRecipient()
    {
        var notifier = new SmtpNotifier("mail", _server.NotifierOptions("ops@example.org", "Duty Desk <duty@example.org>"),
            _time, NullLogger<SmtpNotifier>.Instance);

        var outcome = await notifier.SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        var message = Assert.Single(await _server.WaitForMessagesAsync(1, Wait));
        Assert.Equal("[ukraine-energy] Strikes on Ukraine's power grid <update>", message.Subject);
        Assert.Equal("dlv-0001@aggregator", message.MessageId);
        Assert.Equal("aggregator@example.org", Assert.Single(message.From.Mailboxes).Address);
        Assert.Equal(["ops@example.org", "duty@example.org"], message.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("ops@example.org, duty@example.org", message.Headers["X-RcptTo"]);
        Assert.Equal(_time.GetUtcNow(), message.Date);
        Assert.Equal("dlv-0001", message.Headers["X-Aggregator-Delivery"]);
        Assert.Equal("ukraine-energy", message.Headers["X-Aggregator-Rule"]);
        Assert.Equal("ISW", message.Headers["X-Aggregator-Feed"]);
        Assert.Equal("tag:example.org,2025:entry-42", message.Headers["X-Aggregator-Entry-Id"]);
        Assert.Equal("https://example.org/isw/2025/05/01/grid", message.Headers["X-Aggregator-Entry-Link"]);
    }

    [Fact]
    public async Task ABurstOfAlertsSharesAConnectionAndOneTheServerDroppedIsReplaced()
    {
        using var notifier = Notifier(_server.NotifierOptions());
        for (var i = 0; i < 3; i++)
            Assert.Equal(DeliveryOutcome.Delivered, await notifier.SendAsync(AlertSamples.Typical($"dlv-{i}"), Ct));

        await _server.RestartAsync(); // the kept connection dies with the old server process
        Assert.Equal(DeliveryOutcome.Delivered, await notifier.SendAsync(AlertSamples.Typical("dlv-3"), Ct));

        var messages = await _server.WaitForMessagesAsync(4, Wait);
        Assert.Equal(["dlv-0@aggregator", "dlv-1@aggregator", "dlv-2@aggregator", "dlv-3@aggregator"], messages.Select(m => m.MessageId).Order());
    }

    [Fact]
    public async Task TheEmailHasAPlainTextPartAndAnHtmlPartWithTheMatchedTermsMarked()
    {
        await Notifier(_server.NotifierOptions()).SendAsync(AlertSamples.Typical(), Ct);

        var message = Assert.Single(await _server.WaitForMessagesAsync(1, Wait));
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal(["text/plain", "text/html"], alternative.Select(part => part.ContentType.MimeType));

        var text = message.TextBody;
        Assert.Contains("Title:     Strikes on Ukraine's power grid <update>", text);
        Assert.Contains("Link:      https://example.org/isw/2025/05/01/grid", text);
        Assert.Contains("Feed:      ISW <https://example.org/isw/feed.xml>", text);
        Assert.Contains("Published: 2025-05-01 12:30 UTC", text);
        Assert.Contains("Matched:   Ukraine, energy", text);
        Assert.Contains("Grid operators & <b>engineers</b> restored power", text);

        var html = message.HtmlBody;
        Assert.Contains("<a href=\"https://example.org/isw/2025/05/01/grid\">Strikes on <mark>Ukraine</mark>&#39;s power grid &lt;update&gt;</a>", html);
        // The entry's own HTML, sanitised, with the terms marked inside its text.
        Assert.Contains("<p>Russian forces struck <b><mark>Ukraine</mark>'s</b> <mark>energy</mark> infrastructure overnight.</p>", html);
        Assert.DoesNotContain("<script", html);
        Assert.DoesNotContain("alert(1)", html);
    }

    [Fact]
    public async Task WhenTheSmtpServerIsDownTheAlertIsRetriedWithHostAndPortInTheErrorAndSentOnceItIsBack()
    {
        var notifier = Notifier(_server.NotifierOptions());
        await _server.StopAsync();

        var down = await notifier.SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, down.Status);
        Assert.Contains($"127.0.0.1:{_server.Port}", down.Error);

        await _server.RestartAsync();
        var back = await notifier.SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryOutcome.Delivered, back);
        Assert.Single(await _server.WaitForMessagesAsync(1, Wait));
    }

    [Fact]
    public async Task WhenTheServerRefusesARecipientWith550TheAlertFailsPermanently()
    {
        var outcome = await Notifier(_server.NotifierOptions("ops@example.org", "reject@example.org"))
            .SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Permanent, outcome.Status);
        Assert.Contains("recipient reject@example.org refused: 550", outcome.Error);
        Assert.Empty(_server.Messages);
    }

    [Fact]
    public async Task WhenTheServerDefersARecipientWith451TheAlertIsRetried()
    {
        var outcome = await Notifier(_server.NotifierOptions("defer@example.org")).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Contains("451", outcome.Error);
    }

    [Fact]
    public async Task WhenTheServerNeverGreetsTheAlertIsRetriedAfterTheNotifierTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var options = _server.NotifierOptions();
        options.Port = ((IPEndPoint)silent.LocalEndpoint).Port;
        options.Timeout = TimeSpan.FromMilliseconds(300);

        var outcome = await Notifier(options).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Contains("no answer within 0.3 s", outcome.Error);
    }

    [Fact]
    public async Task ACallerCancellingTheSendGetsAnOperationCanceledException()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var options = _server.NotifierOptions();
        options.Port = ((IPEndPoint)silent.LocalEndpoint).Port;
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        shutdown.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Notifier(options).SendAsync(AlertSamples.Typical(), shutdown.Token));
    }
}
