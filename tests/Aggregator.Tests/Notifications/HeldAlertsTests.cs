using System.Globalization;
using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Notifications;

/// <summary>The flood guard, quiet hours, local-time digests and `outbox retry --all` through the whole application
/// (<see cref="TestHost"/>: a loopback feed, a webhook receiver and aiosmtpd) on a fake clock, on each engine (a real
/// SQLite file, or a PostgreSQL database of its own that `aggregator outbox` reads too).</summary>
[Trait("Category", "EndToEnd")] // aiosmtpd, and the aggregator executable for `outbox`
public abstract class HeldAlertsTests(StorageProvider provider) : IAsyncLifetime
{
    public sealed class OnSqlite() : HeldAlertsTests(StorageProvider.Sqlite);

    public sealed class OnPostgres() : HeldAlertsTests(StorageProvider.Postgres);

    private static readonly DateTimeOffset Ten = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero); // a Monday, GMT in London
    private ContentRoot _root = null!;
    private FakeTimeProvider _time = new(Ten);
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;
    private SmtpServer? _smtp;
    private TestHost? _host;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        if (_smtp is not null) await _smtp.DisposeAsync();
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    /// <summary>Starts the application on one feed and the given rules; its first poll stores the feed's empty backlog.</summary>
    private async Task<TestHost> StartAsync(string rules, JsonObject? notifiers = null)
    {
        _root.WriteSettings(notifiers: notifiers ?? new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules(rules);
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        _host = await TestHost.StartAsync(_root.Path, _time, new FixedRandom(0.5));
        await _host.PollAsync();
        return _host;
    }

    private void Serve(params string[] titles) =>
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", [.. titles.Select((t, i) => new Rss.Item($"n{i}", t))]));

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await _host!.Database.OpenAsync(Ct);
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    [Fact]
    public async Task ABurstOf25UnderALimitOf5AnHourSends5AtOnceAndTheOther20AsOneDigestWhenTheHourEnds()
    {
        var host = await StartAsync("""{ "rules": [ { "name": "iran-russia", "query": "Hezbollah", "limit": "5/h" } ] }""");
        _time.Advance(TimeSpan.FromMinutes(10));
        Serve([.. Enumerable.Range(0, 25).Select(i => $"Hezbollah story {i}")]);

        var (reports, drain) = await host.PollAsync();
        Assert.Equal(25, Assert.Single(reports).Alerts); // every match is queued: nothing dropped
        Assert.Equal(5, drain.Delivered);
        Assert.Equal(5, _webhook.Requests.Count);
        Assert.All(_webhook.Requests, r => Assert.False(r.Json().TryGetProperty("digest", out _)));
        Assert.Equal(20, await CountAsync(
            "SELECT count(*) FROM outbox WHERE status = 'pending' AND held = 'limit' AND next_attempt_at = '2026-11-23T11:00:00Z' AND digest_key = '2026-11-23T10:00:00Z/2026-11-23T11:00:00Z iran-russia'"));

        // `aggregator outbox` shows them held, and until when.
        var listed = await AggregatorProcess.RunAsync(_root.Path, "outbox");
        Assert.Equal(0, listed.ExitCode);
        Assert.Equal(20, listed.StdOut.Split('\n').Count(l => l.Contains("held: over the rule's limit until 2026-11-23 11:00Z, then sent in one digest", StringComparison.Ordinal)));

        _time.SetUtcNow(At("2026-11-23T10:59:59Z"));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        Assert.Equal(5, _webhook.Requests.Count);

        _time.SetUtcNow(At("2026-11-23T11:00:00Z"));
        Assert.Equal(20, (await host.DrainAsync()).Delivered);
        Assert.Equal(6, _webhook.Requests.Count);
        var digest = _webhook.Requests[^1].Json();
        Assert.Equal("iran-russia", digest.GetProperty("rule").GetString());
        Assert.Equal(20, digest.GetProperty("digest").GetProperty("count").GetInt32());
        Assert.Equal("limit", digest.GetProperty("digest").GetProperty("held").GetString());
        Assert.Equal(20, digest.GetProperty("alerts").GetArrayLength());
        var sent = _webhook.Requests.Take(5).Select(r => r.Json().GetProperty("entry").GetProperty("title").GetString())
            .Concat(digest.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("entry").GetProperty("title").GetString()));
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"Hezbollah story {i}").Order(), sent.Order()); // each exactly once

        // A new window: the next match goes out at once.
        _time.Advance(TimeSpan.FromMinutes(5));
        Serve([.. Enumerable.Range(0, 26).Select(i => $"Hezbollah story {i}")]);
        Assert.Equal(1, (await host.PollAsync()).Drain.Delivered);
        Assert.False(_webhook.Requests[^1].Json().TryGetProperty("digest", out _));
    }

    [Fact]
    public async Task QuietHoursHoldAlertsForOneEmailDigestAtTheirEndWhileAnUrgentRulePasses()
    {
        _smtp = await SmtpServer.StartAsync();
        var email = new JsonObject
        {
            ["Type"] = "smtp", ["Host"] = _smtp.Host, ["Port"] = _smtp.Port, ["Security"] = "none", ["Timeout"] = "60s",
            ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"),
            ["QuietHours"] = "22:00-07:00", ["TimeZone"] = "Europe/London",
        };
        var host = await StartAsync("""
            { "rules": [
              { "name": "r", "query": "Hezbollah" },
              { "name": "flash", "query": "Hamas", "urgent": true }
            ] }
            """, new JsonObject { ["email"] = email });

        _time.SetUtcNow(At("2026-11-23T23:00:00Z"));
        Serve("Hezbollah one", "Hezbollah two", "Hamas flash", "Hezbollah three");
        var (_, drain) = await host.PollAsync();
        Assert.Equal(1, drain.Delivered); // the urgent rule's alert
        Assert.StartsWith("[flash]", Assert.Single(await _smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(60))).Subject);
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'pending' AND held = 'quiet' AND next_attempt_at = '2026-11-24T07:00:00Z'"));

        _time.SetUtcNow(At("2026-11-24T06:59:59Z"));
        Assert.Equal(0, (await host.PollAsync()).Drain.Delivered);
        _time.SetUtcNow(At("2026-11-24T07:00:00Z"));
        Assert.Equal(3, (await host.DrainAsync()).Delivered);

        var mails = await _smtp.WaitForMessagesAsync(2, TimeSpan.FromSeconds(60));
        Assert.Equal(2, mails.Count);
        Assert.Equal("[r] 3 matches during quiet hours, 2026-11-23 22:00 to 2026-11-24 07:00 Europe/London", mails[1].Subject);
        foreach (var title in new[] { "Hezbollah one", "Hezbollah two", "Hezbollah three" }) Assert.Contains(title, mails[1].TextBody);
        Assert.Equal(0, (await host.DrainAsync()).Delivered); // sent once
    }

    [Fact]
    public async Task ABatchHeldByTheLimitThatFallsDueInQuietHoursWaitsForTheirEnd()
    {
        var host = await StartAsync("""
            { "rules": [ { "name": "r", "query": "Hezbollah", "limit": "1/h", "quietHours": "22:00-07:00", "timeZone": "Europe/London" } ] }
            """);
        _time.SetUtcNow(At("2026-11-23T21:30:00Z"));
        Serve("Hezbollah one", "Hezbollah two", "Hezbollah three");
        Assert.Equal(1, (await host.PollAsync()).Drain.Delivered);
        // Held by the limit (window 21:00-22:00), due when quiet hours end rather than at 22:00 inside them.
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM outbox WHERE held = 'limit' AND next_attempt_at = '2026-11-24T07:00:00Z'"));

        _time.SetUtcNow(At("2026-11-23T22:00:00Z"));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        _time.SetUtcNow(At("2026-11-24T07:00:00Z"));
        Assert.Equal(2, (await host.DrainAsync()).Delivered);
        Assert.Equal(2, _webhook.Requests.Count);
        Assert.Equal("limit", _webhook.Requests[^1].Json().GetProperty("digest").GetProperty("held").GetString());
    }

    [Theory]
    // Saturday before the March change: 08:00 GMT, then Sunday 08:00 BST (07:00Z), then Monday 08:00 BST.
    [InlineData("2026-03-28T10:00:00Z", "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z")]
    // Saturday before the October change: 08:00 BST (07:00Z), then Sunday 08:00 GMT (08:00Z), then Monday.
    [InlineData("2026-10-24T10:00:00Z", "2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z", "2026-10-26T08:00:00Z")]
    public async Task ADailyDigestAt8InLondonFiresAt8LocalOnBothSidesOfAClockChange(string start, string opened, string first, string second)
    {
        _time = new FakeTimeProvider(At(start));
        var host = await StartAsync("""{ "rules": [ { "name": "r", "query": "Hezbollah", "digest": "daily 08:00", "timeZone": "Europe/London" } ] }""");
        Serve("Hezbollah before", "Hezbollah also before");
        Assert.Equal(0, (await host.PollAsync()).Drain.Delivered);
        Assert.Equal(2, await CountAsync($"SELECT count(*) FROM outbox WHERE status = 'pending' AND digest_key = '{opened}/{first} r'"));

        _time.SetUtcNow(At(first) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        _time.SetUtcNow(At(first));
        Assert.Equal(2, (await host.DrainAsync()).Delivered);
        var digest = Assert.Single(_webhook.Requests).Json().GetProperty("digest");
        Assert.Equal((opened, first, 2), (digest.GetProperty("start").GetString(), digest.GetProperty("end").GetString(), digest.GetProperty("count").GetInt32()));
        Assert.Equal("Europe/London", digest.GetProperty("timeZone").GetString());

        // A match right at the firing opens the next day's digest, which fires at 08:00 local again.
        Serve("Hezbollah before", "Hezbollah also before", "Hezbollah after");
        Assert.Equal(0, (await host.PollAsync()).Drain.Delivered);
        _time.SetUtcNow(At(second) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await host.DrainAsync()).Delivered);
        _time.SetUtcNow(At(second));
        Assert.Equal(1, (await host.DrainAsync()).Delivered);
        digest = _webhook.Requests[^1].Json().GetProperty("digest");
        Assert.Equal((first, second, 1), (digest.GetProperty("start").GetString(), digest.GetProperty("end").GetString(), digest.GetProperty("count").GetInt32()));
    }

    [Fact]
    public async Task RetryAllSendsTheDeadAlertButLeavesAnOpenDigestAndHeldAlertsToTheirTime()
    {
        var host = await StartAsync("""
            { "rules": [
              { "name": "r", "query": "Hezbollah", "limit": "1/h" },
              { "name": "d", "query": "Hamas", "digest": "1h" }
            ] }
            """);
        _time.Advance(TimeSpan.FromMinutes(10));
        _webhook.Enqueue(400); // the one alert sent alone is refused: dead-lettered at once
        Serve("Hezbollah one", "Hezbollah two", "Hezbollah three", "Hamas one");
        var (_, drain) = await host.PollAsync();
        Assert.Equal((0, 1), (drain.Delivered, drain.Dead));
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM outbox WHERE held = 'limit' AND status = 'pending'"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox WHERE held IS NULL AND digest_key IS NOT NULL AND status = 'pending'"));

        // What `aggregator outbox retry --all` does.
        var outbox = host.Services.GetRequiredService<OutboxStore>();
        Assert.Equal(1, await outbox.RequeueAsync(null, _time.GetUtcNow(), Ct));
        var heldId = await IdAsync("SELECT id FROM outbox WHERE held = 'limit' LIMIT 1");
        Assert.Equal(0, await outbox.RequeueAsync(heldId, _time.GetUtcNow(), Ct)); // nor one by id
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0 AND next_attempt_at = '2026-11-23T11:00:00Z'"));

        Assert.Equal(1, (await host.DrainAsync()).Delivered); // only the dead one, again
        Assert.Equal(2, _webhook.Requests.Count);
        Assert.False(_webhook.Requests[^1].Json().TryGetProperty("digest", out _));

        _time.SetUtcNow(At("2026-11-23T11:00:00Z"));
        Assert.Equal(3, (await host.DrainAsync()).Delivered); // the held two as one digest, and d's digest
        Assert.Equal(4, _webhook.Requests.Count);
    }

    private async Task<string> IdAsync(string sql)
    {
        await using var connection = await _host!.Database.OpenAsync(Ct);
        return (await connection.ExecuteScalarAsync<string>(sql))!;
    }
}
