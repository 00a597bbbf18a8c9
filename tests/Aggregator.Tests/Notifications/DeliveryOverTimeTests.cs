using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Notifications;

/// <summary>Retries, back-off, Retry-After, timeouts and digest periods through the whole application (<see cref="TestHost"/>:
/// real feeds over HTTP, aiosmtpd and a webhook receiver on loopback) on a fake clock that the test
/// moves, so none of them waits for real time or depends on the machine's speed; on each engine (a real SQLite file, or a
/// PostgreSQL database of its own).</summary>
[Trait("Category", "EndToEnd")] // aiosmtpd
public abstract class DeliveryOverTimeTests(StorageProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : DeliveryOverTimeTests(StorageProvider.Sqlite);

    public sealed class OnPostgres() : DeliveryOverTimeTests(StorageProvider.Postgres);

    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private ContentRoot _root = null!;
    private readonly FakeTimeProvider _time = new(Start);
    private FeedServer _feeds = null!;
    private SmtpServer _smtp = null!;
    private WebhookReceiver _webhook = null!;
    private TestHost? _host;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _smtp = await SmtpServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await _webhook.DisposeAsync();
        await _smtp.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    /// <summary>Writes the content root and starts the application on it. FirstRetryDelay 20 s and the jitter's draw
    /// fixed at the middle of its range make the first retry come exactly 15 s after a failure, the second 30 s.</summary>
    private async Task<TestHost> StartAsync(JsonObject notifiers, string rules = """{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""")
    {
        _root.WriteSettings(notifiers: notifiers, aggregator: new JsonObject
        {
            ["Delivery"] = new JsonObject { ["FirstRetryDelay"] = "20s", ["MaxRetryDelay"] = "1h" },
        });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules(rules);
        return _host = await TestHost.StartAsync(_root.Path, _time, new FixedRandom(0.5));
    }

    private JsonObject Email() => new()
    {
        ["Type"] = "smtp", ["Host"] = _smtp.Host, ["Port"] = _smtp.Port, ["Security"] = "none",
        ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"),
    };

    private JsonObject Webhook(string? timeout = null)
    {
        var hook = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url };
        if (timeout is not null) hook["Timeout"] = timeout;
        return hook;
    }

    /// <summary>A first poll stores the feed's (empty) backlog; then <paramref name="count"/> matching items appear.</summary>
    private async Task NewMatchingEntriesAsync(TestHost host, int count)
    {
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        await host.PollAsync();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. Enumerable.Range(0, count).Select(i => new Rss.Item($"n{i}", $"Hezbollah item {i}"))]));
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await _host!.Database.OpenAsync(TestContext.Current.CancellationToken);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task WhenTheSmtpServerIsDownAlertsWaitAndArriveOnceItIsBack()
    {
        var host = await StartAsync(new JsonObject { ["email"] = Email() });
        await NewMatchingEntriesAsync(host, 3);
        await _smtp.StopAsync();

        var (reports, down) = await host.PollAsync();
        Assert.True(Assert.Single(reports).Succeeded); // the feed was read; delivery waits
        // One failed connection sets the server aside for this pass: the other alerts keep their attempts.
        Assert.Equal((0, 1), (down.Delivered, down.Retrying));
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'pending'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox WHERE attempts = 1 AND last_error LIKE '%SMTP%' AND next_attempt_at = '2026-11-23T10:00:15Z'"));

        await _smtp.RestartAsync();
        Assert.Equal(2, (await host.DrainAsync()).Delivered); // the two never tried are due; the failed one waits its back-off
        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await host.DrainAsync()).Delivered);

        // The server stored each message before it accepted it, so what has arrived is all there is.
        var mails = _smtp.Messages;
        Assert.Equal(3, mails.Count);
        Assert.Equal(3, mails.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'delivered'"));
    }

    [Fact]
    public async Task AHangingWebhookTimesOutAndTheRestOfTheOutboxKeepsMoving()
    {
        var host = await StartAsync(new JsonObject { ["ops"] = Webhook(timeout: "00:00:01"), ["email"] = Email() });
        await NewMatchingEntriesAsync(host, 20);
        _webhook.Enqueue(ScriptedResponse.Hanging);

        var poll = host.PollAsync();
        await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(60)); // the hanging request is in
        Assert.False(poll.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1)); // Notifiers:ops:Timeout
        var (_, drain) = await poll;

        // The hang costs one timeout; the email alerts go out in the same pass.
        Assert.Equal((20, 1), (drain.Delivered, drain.Retrying));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'pending' AND last_error LIKE '%no answer within 1 s%'"));
        Assert.Equal(20, _smtp.Messages.Count);

        // Once the back-off has passed, the webhook's alerts go out, the timed-out one again under the same delivery id.
        _time.Advance(TimeSpan.FromSeconds(15));
        var next = await host.DrainAsync();
        Assert.Equal((20, 0), (next.Delivered, next.Retrying));
        Assert.Equal(21, _webhook.Requests.Count);
        Assert.Equal(20, _webhook.Requests.Select(r => r.Header("X-Aggregator-Delivery")).Distinct().Count());
        Assert.Equal(40, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'delivered'"));
    }

    [Fact]
    public async Task ADigestRuleSendsThePeriodsMatchesAsOneMessageWhenThePeriodEnds()
    {
        var host = await StartAsync(new JsonObject { ["email"] = Email(), ["ops"] = Webhook() },
            """{ "rules": [ { "name": "r", "query": "Hezbollah", "digest": "1h" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        await host.PollAsync();

        // Two matches at 10:10 and a third at 10:30: one period, 10:00 to 11:00 (periods are aligned to UTC hours).
        _time.Advance(TimeSpan.FromMinutes(10));
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a", "Hezbollah first"), new Rss.Item("b", "Hezbollah second")));
        var (first, _) = await host.PollAsync();
        Assert.Equal(4, first.Sum(r => r.Alerts)); // 2 matches × 2 notifiers
        _time.Advance(TimeSpan.FromMinutes(20));
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a", "Hezbollah first"), new Rss.Item("b", "Hezbollah second"), new Rss.Item("c", "Hezbollah third")));
        var (second, _) = await host.PollAsync();
        Assert.Equal(2, second.Sum(r => r.Alerts));
        Assert.Equal(6, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'pending' AND digest_key = '2026-11-23T10:00:00Z/2026-11-23T11:00:00Z r'"));

        // Not a second before the period ends.
        _time.Advance(TimeSpan.FromSeconds(29 * 60 + 59));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        Assert.Empty(_webhook.Requests);
        Assert.Empty(_smtp.Messages);

        _time.Advance(TimeSpan.FromSeconds(1)); // 11:00:00
        var (_, ended) = await host.PollAsync();
        Assert.Equal(6, ended.Delivered);

        var hook = Assert.Single(_webhook.Requests).Json();
        Assert.Equal(3, hook.GetProperty("digest").GetProperty("count").GetInt32());
        Assert.Equal("2026-11-23T10:00:00Z", hook.GetProperty("digest").GetProperty("start").GetString());
        Assert.Equal("2026-11-23T11:00:00Z", hook.GetProperty("digest").GetProperty("end").GetString());
        Assert.Equal(["Hezbollah first", "Hezbollah second", "Hezbollah third"],
            hook.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("entry").GetProperty("title").GetString()).Order());
        Assert.Equal(hook.GetProperty("deliveryId").GetString(), _webhook.Requests[0].Header("X-Aggregator-Delivery"));

        var mail = Assert.Single(_smtp.Messages);
        Assert.StartsWith("[r] 3 matches, ", mail.Subject);
        Assert.Contains("Hezbollah second", mail.TextBody);
        Assert.Contains("<mark>Hezbollah</mark> third", mail.HtmlBody);

        Assert.Equal(0, (await host.PollAsync()).Drain.Delivered); // sent once
        Assert.Single(_webhook.Requests);
    }

    [Fact]
    public async Task AWebhookThatFailsKeepsTheAlertInTheOutboxUntilItIsDeliveredOnceRetryingAfterEachBackOff()
    {
        var host = await StartAsync(new JsonObject { ["ops"] = Webhook() });
        await NewMatchingEntriesAsync(host, 1);
        _webhook.Enqueue(500, 500);

        Assert.Equal(1, (await host.PollAsync()).Drain.Retrying);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 1 AND next_attempt_at = '2026-11-23T10:00:15Z'"));
        Assert.Contains(host.Log.Lines, l => l.Contains("attempt 1 failed, next at 2026-11-23T10:00:15Z: webhook", StringComparison.Ordinal));

        // Not before the back-off (FirstRetryDelay 20 s: 15 s with the jitter fixed), then it doubles.
        _time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(0, (await host.DrainAsync()).Retrying);
        Assert.Single(_webhook.Requests);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await host.DrainAsync()).Retrying);
        Assert.Contains(host.Log.Lines, l => l.Contains("attempt 2 failed, next at 2026-11-23T10:00:45Z", StringComparison.Ordinal));
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await host.DrainAsync()).Delivered);

        // Two refused attempts and the accepted one, all with the same delivery id.
        var deliveries = _webhook.Requests.Select(r => r.Header("X-Aggregator-Delivery")).ToList();
        Assert.Equal(3, deliveries.Count);
        Assert.Single(deliveries.Distinct());
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'delivered' AND attempts = 3"));
    }

    [Fact]
    public async Task AReceiversRetryAfterLongerThanTheBackOffIsWaitedOut()
    {
        var host = await StartAsync(new JsonObject { ["ops"] = Webhook() });
        await NewMatchingEntriesAsync(host, 1);
        _webhook.Enqueue(ScriptedResponse.RetryAfter(503, "600"));

        Assert.Equal(1, (await host.PollAsync()).Drain.Retrying);
        Assert.Contains(host.Log.Lines, l => l.Contains("attempt 1 failed, next at 2026-11-23T10:10:00Z", StringComparison.Ordinal));
        _time.Advance(TimeSpan.FromSeconds(599));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        Assert.Single(_webhook.Requests);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, (await host.DrainAsync()).Delivered);
        Assert.Equal(2, _webhook.Requests.Count);
    }
}
