using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Aggregator.Notifications;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Notifications;

/// <summary>WebhookNotifier against a Kestrel receiver on loopback.</summary>
public sealed class WebhookNotifierTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 5, 1, 12, 40, 0, TimeSpan.Zero));
    private readonly HttpClient _http = new();
    private WebhookReceiver _receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _receiver.DisposeAsync();
    }

    private NotifierOptions Options(string? secret = null, string format = "generic") => new()
    {
        Type = "webhook",
        Url = _receiver.Url,
        Secret = secret,
        Format = format,
        Timeout = TimeSpan.FromSeconds(5),
    };

    private WebhookNotifier Notifier(NotifierOptions options, TimeProvider? time = null) =>
        new("ops", options, _http, time ?? _time, NullLogger<WebhookNotifier>.Instance);

    [Fact]
    public async Task ThePostedBodyIsTheDocumentedPayload()
    {
        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        var request = Assert.Single(await _receiver.WaitForRequestsAsync(1, Wait));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hook", request.Path);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal(
            """{"deliveryId":"dlv-0001","rule":"ukraine-energy","feed":{"name":"ISW","url":"https://example.org/isw/feed.xml"},"entry":{"id":"tag:example.org,2025:entry-42","title":"Strikes on Ukraine's power grid <update>","link":"https://example.org/isw/2025/05/01/grid","published":"2025-05-01T12:30:00Z","author":"Jane Analyst","summary":"Russian forces struck Ukraine's energy infrastructure overnight. Grid operators & <b>engineers</b> restored power by morning."},"matchedTerms":["Ukraine","energy"],"matchedAt":"2025-05-01T12:35:10Z","update":false}""",
            request.BodyText);
    }

    [Fact]
    public async Task MissingEntryFieldsAreNullInThePayloadNotLeftOut()
    {
        var alert = AlertSamples.Typical() with { Title = null, Link = null, Published = null, Author = null, Summary = null, MatchedTerms = [] };

        await Notifier(Options()).SendAsync(alert, Ct);

        var entry = Assert.Single(await _receiver.WaitForRequestsAsync(1, Wait)).Json().GetProperty("entry");
        foreach (var key in new[] { "title", "link", "published", "author", "summary" })
            Assert.Equal(System.Text.Json.JsonValueKind.Null, entry.GetProperty(key).ValueKind);
    }

    [Fact]
    public async Task TheDeliveryIdAndTimestampHeadersAreSentAndNoSignatureWithoutASecret()
    {
        await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        var request = Assert.Single(await _receiver.WaitForRequestsAsync(1, Wait));
        Assert.Equal("dlv-0001", request.Header("X-Aggregator-Delivery"));
        Assert.Equal(_time.GetUtcNow().ToUnixTimeSeconds().ToString(), request.Header("X-Aggregator-Timestamp"));
        Assert.Null(request.Header("X-Aggregator-Signature"));
    }

    [Fact]
    public async Task TheSignatureIsAnHmacOfTimestampDotBodyThatAReceiverCanRecompute()
    {
        await Notifier(Options(secret: "whsec_test")).SendAsync(AlertSamples.Typical(), Ct);

        var request = Assert.Single(await _receiver.WaitForRequestsAsync(1, Wait));
        var timestamp = request.Header("X-Aggregator-Timestamp")!;
        // Computed here from the documented recipe, not with WebhookSignature, so a change on either side shows.
        var signed = Encoding.UTF8.GetBytes(timestamp + ".").Concat(request.Body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_test"), signed));
        Assert.Equal(expected, request.Header("X-Aggregator-Signature"));

        Assert.True(WebhookSignature.Verify("whsec_test", timestamp, expected, request.Body, _time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", timestamp, expected, [.. request.Body, (byte)' '], _time.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("whsec_test", timestamp, expected, request.Body, _time.GetUtcNow().AddMinutes(10), TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task TheExampleInDocsNotificationsMdIsExactlyWhatIsSent()
    {
        await Notifier(Options(secret: "whsec_test")).SendAsync(AlertSamples.Typical(), Ct);

        var request = Assert.Single(await _receiver.WaitForRequestsAsync(1, Wait));
        Assert.Equal("1746103200", request.Header("X-Aggregator-Timestamp"));
        Assert.Equal(542, request.Body.Length);
        Assert.Equal("sha256=56f300fc3892934aec57e3b81799cf8a14c179c9a521806cd16c5ed5613d224f", request.Header("X-Aggregator-Signature"));
    }

    [Fact]
    public async Task WhenAWebhookAnswers500TheAlertIsRetriedUntilItAnswers200()
    {
        _receiver.Enqueue(500, 500, 200);
        var notifier = Notifier(Options());

        var first = await notifier.SendAsync(AlertSamples.Typical(), Ct);
        var second = await notifier.SendAsync(AlertSamples.Typical(), Ct);
        var third = await notifier.SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, first.Status);
        Assert.Contains("answered 500", first.Error);
        Assert.Null(first.RetryAfter);
        Assert.Equal(DeliveryStatus.Retry, second.Status);
        Assert.Equal(DeliveryOutcome.Delivered, third);
        Assert.Equal(3, _receiver.Requests.Count);
    }

    [Fact]
    public async Task WhenAWebhookAnswers429WithRetryAfter7TheAlertIsRetriedIn7Seconds()
    {
        _receiver.Enqueue(ScriptedResponse.RetryAfter(429, "7"));

        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), outcome.RetryAfter);
        Assert.Contains("429", outcome.Error);
    }

    [Fact]
    public async Task ARetryAfterDateIsCountedFromTheTimeProvidersNow()
    {
        var at = _time.GetUtcNow().AddSeconds(90).ToString("R");
        _receiver.Enqueue(ScriptedResponse.RetryAfter(503, at));

        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Equal(TimeSpan.FromSeconds(90), outcome.RetryAfter);
    }

    [Fact]
    public async Task WhenAWebhookAnswers408TheAlertIsRetried()
    {
        _receiver.Enqueue(408);

        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
    }

    [Fact]
    public async Task WhenAWebhookAnswers400TheAlertFailsPermanentlyWithTheStatusAndTheStartOfTheBody()
    {
        _receiver.Enqueue(new ScriptedResponse(400, Body: "{\"error\":\"invalid_payload\"}\n" + new string('x', 5000)));

        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Permanent, outcome.Status);
        Assert.Contains("answered 400 Bad Request: {\"error\":\"invalid_payload\"}", outcome.Error);
        Assert.True(outcome.Error!.Length < 400, outcome.Error);
    }

    [Fact]
    public async Task ErrorsNameTheReceiverWithoutTheUrlPathWhereChatServicesKeepTheirToken()
    {
        _receiver.Enqueue(404);
        var options = Options();
        options.Url = _receiver.Url + "/T000/B000/XXXXSECRETTOKEN";

        var outcome = await Notifier(options).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Permanent, outcome.Status);
        Assert.DoesNotContain("SECRETTOKEN", outcome.Error);
        Assert.Contains(new Uri(_receiver.Url).Authority, outcome.Error);
    }

    [Fact]
    public async Task WhenAWebhookHangsTheAlertIsRetriedAfterTheNotifierTimeout()
    {
        _receiver.Enqueue(ScriptedResponse.Hanging);
        var options = Options();
        options.Timeout = TimeSpan.FromSeconds(30);

        var send = Notifier(options).SendAsync(AlertSamples.Typical(), Ct);
        await _receiver.WaitForRequestsAsync(1, Wait);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(send.IsCompleted, "the notifier gave up before its timeout");
        _time.Advance(TimeSpan.FromSeconds(1));
        var outcome = await send.WaitAsync(Wait, Ct);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Contains("no answer within 30 s (Notifiers:ops:Timeout)", outcome.Error);
    }

    [Fact]
    public async Task WhenNothingListensTheAlertIsRetried()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var options = Options();
        options.Url = $"http://127.0.0.1:{port}/hook";

        var outcome = await Notifier(options).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Retry, outcome.Status);
        Assert.Contains($"webhook http://127.0.0.1:{port}: cannot reach it", outcome.Error);
    }

    [Fact]
    public async Task ACallerCancellingTheSendGetsAnOperationCanceledException()
    {
        _receiver.Enqueue(ScriptedResponse.Hanging);
        using var shutdown = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        shutdown.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Notifier(Options(), TimeProvider.System).SendAsync(AlertSamples.Typical(), shutdown.Token));
    }
}
