using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Notifications;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Notifications;

/// <summary>Aggregator:Health:Notify end to end (<see cref="TestHost"/>: feeds over loopback HTTP, webhook receivers,
/// aiosmtpd, the real database on both engines, a fake clock): a feed failing, gone, moved or silent, a dead letter and
/// a notifier failing each give one operational alert when they start and, where there is one, one when they end;
/// never a repeat while the state holds.</summary>
[Trait("Category", "EndToEnd")]
public abstract class OperationalAlertTests(StorageProvider provider) : IAsyncLifetime
{
    /// <summary>These tests on a SQLite file.</summary>
    public sealed class OnSqlite() : OperationalAlertTests(StorageProvider.Sqlite);

    /// <summary>These tests on a PostgreSQL database of their own.</summary>
    public sealed class OnPostgres() : OperationalAlertTests(StorageProvider.Postgres);

    private static readonly DateTimeOffset Start = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);
    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private WebhookReceiver _ops = null!;
    private TestHost? _host;

    /// <summary>What /alpha.xml answers: a status other than 200 answers with it alone.</summary>
    private int _status = 200;

    private readonly List<Rss.Item> _items = [];

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _ops = await WebhookReceiver.StartAsync();
        _feeds.Handle("/alpha.xml", async context =>
        {
            if (_status != 200)
            {
                context.Response.StatusCode = _status;
                return;
            }
            context.Response.ContentType = "application/rss+xml; charset=utf-8";
            await context.Response.WriteAsync(Rss.Feed("Alpha", [.. _items]));
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        await _ops.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private async Task<TestHost> StartAsync(JsonObject? notifiers = null, JsonObject? health = null, JsonObject? delivery = null,
        string rules = """{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""", string feedPath = "/alpha.xml")
    {
        health ??= new JsonObject();
        health["Notify"] ??= new JsonArray("ops");
        _root.WriteSettings(notifiers ?? new JsonObject { ["ops"] = Webhook(_ops) }, new JsonObject
        {
            ["Health"] = health,
            ["Delivery"] = delivery ?? new JsonObject { ["FirstRetryDelay"] = "20s", ["MaxRetryDelay"] = "1h" },
        });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url(feedPath)}}" } ] }""");
        _root.WriteRules(rules);
        return _host = await TestHost.StartAsync(_root.Path, _time, new FixedRandom(0.5));
    }

    private static JsonObject Webhook(WebhookReceiver receiver) => new() { ["Type"] = "webhook", ["Url"] = receiver.Url };

    /// <summary>The operational alerts the receiver has been sent, as their JSON payloads.</summary>
    private static List<JsonElement> Operational(WebhookReceiver receiver) =>
        [.. receiver.Requests.Select(r => r.Json()).Where(j => j.TryGetProperty("kind", out var kind) && kind.GetString() == "operational")];

    private static (string? Problem, string? State, string? Subject) Said(JsonElement alert) =>
        (alert.GetProperty("problem").GetString(), alert.GetProperty("state").GetString(), alert.GetProperty("subject").GetString());

    private async Task PollAsync(int times = 1)
    {
        for (var i = 0; i < times; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(15));
            await _host!.PollAsync();
        }
    }

    [Fact]
    public async Task AFeedAnswering500GivesOneAlertAfterFivePollsAndOneRecoveryWhenItAnswersAgain()
    {
        await StartAsync();
        await PollAsync(); // read once: it has worked
        _status = 500;
        await PollAsync(4);
        Assert.Empty(Operational(_ops)); // four failures are not yet a problem (Health:FailingPolls 5)

        await PollAsync();
        var alert = Assert.Single(Operational(_ops));
        Assert.Equal(("feed_failing", "problem", "Alpha"), Said(alert));
        Assert.Contains("failed 5 polls in a row", alert.GetProperty("detail").GetString());
        Assert.Contains("500", alert.GetProperty("detail").GetString());
        Assert.Equal(_feeds.Url("/alpha.xml").AbsoluteUri, alert.GetProperty("feed").GetProperty("url").GetString());

        await PollAsync(3); // still failing: nothing new to say
        Assert.Single(Operational(_ops));

        // The state survives a restart: a new process on the same database does not alert again.
        await _host!.DisposeAsync();
        _host = null;
        await StartAsync();
        await PollAsync(2);
        Assert.Single(Operational(_ops));

        _status = 200;
        await PollAsync();
        var alerts = Operational(_ops);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(("feed_failing", "recovered", "Alpha"), Said(alerts[1]));
        await PollAsync(3);
        Assert.Equal(2, Operational(_ops).Count);
        Assert.Equal(2, await _root.CountAsync("SELECT count(*) FROM outbox WHERE match_id IS NULL AND status = 'delivered'"));
        Assert.Equal(1, await _root.CountAsync("SELECT count(*) FROM health_problems WHERE kind = 'feed_failing' AND ended_at IS NOT NULL"));
    }

    [Fact]
    public async Task TwoNodesCheckingTheSameProblemAtOnceQueueItsAlertOnce()
    {
        var first = await StartAsync();
        await using var second = await TestHost.StartAsync(_root.Path, _time, new FixedRandom(0.5));
        await using (var connection = await _root.OpenDatabaseAsync())
            await connection.ExecuteAsync("UPDATE feeds SET error_count = 9, last_error = 'answered 500'");

        for (var round = 0; round < 5; round++)
        {
            await Task.WhenAll(
                Task.Run(() => first.Services.GetRequiredService<HealthAlerts>().CheckAsync(HealthChecks.All, TestContext.Current.CancellationToken)),
                Task.Run(() => second.Services.GetRequiredService<HealthAlerts>().CheckAsync(HealthChecks.All, TestContext.Current.CancellationToken)));
        }
        Assert.Equal(1, await _root.CountAsync("SELECT count(*) FROM health_problems"));
        Assert.Equal(1, await _root.CountAsync("SELECT count(*) FROM outbox WHERE match_id IS NULL"));
    }

    [Fact]
    public async Task AFeedFailingForLongerThanFailingForGivesOneAlertBeforeItsFifthFailure()
    {
        await StartAsync(health: new JsonObject { ["FailingFor"] = "6h" });
        await PollAsync();
        _status = 503;
        await PollAsync();
        _time.Advance(TimeSpan.FromHours(5));
        await PollAsync();
        Assert.Empty(Operational(_ops));
        _time.Advance(TimeSpan.FromHours(1));
        await PollAsync(); // three failures, 6 h 45 min since the last success
        Assert.Equal(("feed_failing", "problem", "Alpha"), Said(Assert.Single(Operational(_ops))));
    }

    [Fact]
    public async Task AGoneFeedGivesOneEmailMarkedOperational()
    {
        await using var smtp = await SmtpServer.StartAsync();
        var email = new JsonObject
        {
            ["Type"] = "smtp", ["Host"] = smtp.Host, ["Port"] = smtp.Port, ["Security"] = "none",
            ["From"] = "a@example.test", ["To"] = new JsonArray("ops@example.test"),
        };
        await StartAsync(new JsonObject { ["email"] = email }, new JsonObject { ["Notify"] = new JsonArray("email") });
        await PollAsync();
        _status = 410;
        await PollAsync();
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal("[Aggregator] operational: Feed 'Alpha' is gone (410)", mail.Subject);
        Assert.Equal("operational", mail.Headers["X-Aggregator-Kind"]);
        Assert.Contains("410 Gone", mail.TextBody);
        Assert.Contains("config/feeds.json", mail.TextBody);

        await PollAsync(3); // a gone feed is not polled, and its state has not changed
        Assert.Single(smtp.Messages);
    }

    [Fact]
    public async Task AFeedMovedPermanentlyGivesOneAlert()
    {
        _feeds.Serve("/beta.xml", Rss.Feed("Alpha moved"));
        _feeds.Handle("/old.xml", context =>
        {
            context.Response.StatusCode = 301;
            context.Response.Headers.Location = _feeds.Url("/beta.xml").AbsoluteUri;
            return Task.CompletedTask;
        });
        await StartAsync(feedPath: "/old.xml");

        await PollAsync();
        var alert = Assert.Single(Operational(_ops));
        Assert.Equal("feed_moved", alert.GetProperty("problem").GetString());
        Assert.Equal("problem", alert.GetProperty("state").GetString());
        Assert.Contains(_feeds.Url("/beta.xml").AbsoluteUri, alert.GetProperty("title").GetString());
        await PollAsync(3); // polled at the new address from now on; nothing more to say
        Assert.Single(Operational(_ops));
    }

    [Fact]
    public async Task AFeedSilentFarLongerThanItsRhythmGivesOneAlertAndOneRecovery()
    {
        await StartAsync();
        await PollAsync();
        // A new entry every hour for six hours: its rhythm is one hour.
        for (var hour = 0; hour < 6; hour++)
        {
            _items.Insert(0, new Rss.Item($"h{hour}", $"Update {hour}"));
            _time.Advance(TimeSpan.FromMinutes(45));
            await PollAsync();
        }
        // Five hours without news is five times its rhythm, but not yet Health:SilentAtLeast (1 day).
        for (var i = 0; i < 24; i++) await PollAsync();
        Assert.Empty(Operational(_ops));
        for (var i = 0; i < 80; i++) await PollAsync(); // 20 more hours: past a day since the last entry
        var alert = Assert.Single(Operational(_ops));
        Assert.Equal(("feed_silent", "problem", "Alpha"), Said(alert));
        Assert.Contains("every 1 h", alert.GetProperty("detail").GetString());

        for (var i = 0; i < 8; i++) await PollAsync();
        Assert.Single(Operational(_ops));
        _items.Insert(0, new Rss.Item("late", "Back again"));
        await PollAsync();
        var alerts = Operational(_ops);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(("feed_silent", "recovered", "Alpha"), Said(alerts[1]));
    }

    [Fact]
    public async Task ADeadLetterGivesOneAlertAndOutboxShowListsItsAttempts()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        hook.Default = new ScriptedResponse(400, "bad payload");
        await StartAsync(new JsonObject { ["hook"] = Webhook(hook), ["ops"] = Webhook(_ops) },
            rules: """{ "rules": [ { "name": "r", "query": "Hezbollah", "notify": ["hook"] } ] }""");
        await PollAsync();
        _items.Add(new Rss.Item("n1", "Hezbollah statement"));
        await PollAsync();

        Assert.Single(hook.Requests);
        var alert = Assert.Single(Operational(_ops));
        Assert.Equal("dead_letter", alert.GetProperty("problem").GetString());
        var deliveryId = hook.Requests[0].Header("X-Aggregator-Delivery")!;
        Assert.Equal(deliveryId, alert.GetProperty("subject").GetString());
        Assert.Contains("answered 400", alert.GetProperty("detail").GetString());
        await _host!.DrainAsync();
        await PollAsync(2);
        Assert.Single(Operational(_ops));

        // The CLI, as a user runs it, on the same database.
        var show = await AggregatorProcess.RunAsync(_root.Path, "outbox", "show", deliveryId);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("Status:       dead", show.StdOut);
        Assert.Contains("Rule:         r", show.StdOut);
        Assert.Contains("Feed:         Alpha", show.StdOut);
        Assert.Contains("Entry:        Hezbollah statement", show.StdOut);
        Assert.Matches(@"\d\d:\d\d:\d\dZ  dead .*answered 400", show.StdOut);

        var json = JsonNode.Parse((await AggregatorProcess.RunAsync(_root.Path, "outbox", "show", deliveryId, "--json")).StdOut)!;
        var history = json["history"]!.AsArray();
        Assert.Equal("dead", Assert.Single(history)!["outcome"]!.GetValue<string>());
        Assert.Equal("Hezbollah statement", json["title"]!.GetValue<string>());

        var list = await AggregatorProcess.RunAsync(_root.Path, "outbox");
        Assert.Contains("r · Alpha · Hezbollah statement", list.StdOut);
        Assert.Contains("operational dead_letter (problem): " + deliveryId, list.StdOut);

        var unknown = await AggregatorProcess.RunAsync(_root.Path, "outbox", "show", "no-such-id");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Equal("No delivery with id no-such-id; `aggregator outbox` lists them.", unknown.StdErr.Trim());
    }

    [Fact]
    public async Task ANotifierFailingForAnHourIsToldToTheOtherHealthNotifierOnceAndItsRecoveryOnce()
    {
        await using var hook = await WebhookReceiver.StartAsync();
        hook.Default = 500;
        await StartAsync(new JsonObject { ["hook"] = Webhook(hook), ["ops"] = Webhook(_ops) },
            new JsonObject { ["Notify"] = new JsonArray("hook", "ops") },
            new JsonObject { ["FirstRetryDelay"] = "1m", ["MaxRetryDelay"] = "10m", ["MaxAttempts"] = 50 },
            rules: """{ "rules": [ { "name": "r", "query": "Hezbollah", "notify": ["hook"] } ] }""");
        await PollAsync();
        _items.Add(new Rss.Item("n1", "Hezbollah statement"));
        await PollAsync();
        Assert.Single(hook.Requests);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            await _host!.DrainAsync();
        }
        Assert.Empty(Operational(_ops)); // 50 minutes of failures
        _time.Advance(TimeSpan.FromMinutes(11));
        await _host!.DrainAsync();
        var alert = Assert.Single(Operational(_ops));
        Assert.Equal(("notifier_failing", "problem", "hook"), Said(alert));
        Assert.Contains("answered 500", alert.GetProperty("detail").GetString());
        Assert.Empty(Operational(hook)); // it cannot tell about itself

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(10));
            await _host!.DrainAsync();
        }
        Assert.Single(Operational(_ops));

        hook.Default = ScriptedResponse.Ok;
        _time.Advance(TimeSpan.FromMinutes(10));
        await _host!.DrainAsync();
        var alerts = Operational(_ops);
        Assert.Equal(2, alerts.Count);
        Assert.Equal(("notifier_failing", "recovered", "hook"), Said(alerts[1]));
        Assert.Empty(Operational(hook));
        Assert.True(await _root.CountAsync("SELECT count(*) FROM outbox_attempts WHERE notifier = 'hook' AND outcome = 'failed'") >= 6);
        Assert.Equal(1, await _root.CountAsync("SELECT count(*) FROM outbox_attempts WHERE notifier = 'hook' AND outcome = 'delivered'"));
    }
}
