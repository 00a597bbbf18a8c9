using System.Text.Json.Nodes;
using Aggregator.Notifications;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.EndToEnd;

/// <summary>Deliveries through failures, with the real executable, a real SMTP server and a real webhook receiver. What
/// depends on time (back-off, Retry-After, timeouts, digests) is in Notifications/DeliveryOverTimeTests, on a fake clock.</summary>
[Trait("Category", "EndToEnd")]
public abstract class DeliveryTests(StorageProvider provider) : IAsyncLifetime
{
    /// <summary>These tests on a SQLite file.</summary>
    public sealed class OnSqlite() : DeliveryTests(StorageProvider.Sqlite)
    {
        [Fact]
        public Task WhileAnotherProcessDeliversAPollLeavesTheOutboxToIt() => WhileAnotherProcessDeliversAPollLeavesTheOutboxToItAsync();
    }

    /// <summary>These tests on a PostgreSQL database of their own.</summary>
    public sealed class OnPostgres() : DeliveryTests(StorageProvider.Postgres);

    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private void Configure(JsonObject notifiers, string rules = """{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""")
    {
        _root.WriteSettings(notifiers: notifiers, aggregator: new JsonObject
        {
            ["Delivery"] = new JsonObject { ["FirstRetryDelay"] = "00:00:01", ["MaxRetryDelay"] = "00:00:02" },
        });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules(rules);
    }

    private async Task NewMatchingEntriesAsync(int count)
    {
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        Assert.Equal(0, (await Poll()).ExitCode);
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", Enumerable.Range(0, count).Select(i => new Rss.Item($"n{i}", $"Hezbollah item {i}")).ToArray()));
    }

    private Task<AggregatorProcess.Result> Poll() => AggregatorProcess.RunAsync(_root.Path, "poll");

    private Task<long> CountAsync(string sql) => _root.CountAsync(sql);

    /// <summary>SQLite only: there the delivery lock keeps a second process from sending.</summary>
    protected async Task WhileAnotherProcessDeliversAPollLeavesTheOutboxToItAsync()
    {
        Configure(new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } });
        await NewMatchingEntriesAsync(2);

        using (var held = DeliveryLock.TryAcquire(_root.DatabasePath))
        {
            Assert.NotNull(held);
            var result = await Poll();
            Assert.Contains("2 alerts queued", result.StdOut);
            Assert.Contains("delivery left to the aggregator process already delivering", result.StdOut);
            Assert.Empty(_webhook.Requests);
        }
        Assert.Contains("delivered 2", (await Poll()).StdOut);
        Assert.Equal(2, _webhook.Requests.Count);
    }


    [Fact]
    public async Task AWebhookThatAnswers400IsDeadLetteredWithTheReasonAndCanBeRequeued()
    {
        Configure(new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } });
        await NewMatchingEntriesAsync(1);
        _webhook.Enqueue(new ScriptedResponse(400, "bad payload"));

        var result = await Poll();
        Assert.Contains("dead-lettered 1", result.StdOut);
        var failed = await AggregatorProcess.RunAsync(_root.Path, "outbox", "--failed", "--json");
        var row = JsonNode.Parse(failed.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single())!;
        Assert.Equal("dead", row["status"]!.GetValue<string>());
        Assert.Contains("answered 400", row["lastError"]!.GetValue<string>());
        Assert.Contains("bad payload", row["lastError"]!.GetValue<string>());

        // Nothing more is sent on its own; a requeue sends it again with the same delivery id.
        Assert.Equal(0, (await Poll()).ExitCode);
        Assert.Single(_webhook.Requests);
        var retry = await AggregatorProcess.RunAsync(_root.Path, "outbox", "retry", "--all");
        Assert.Contains("1 deliveries requeued", retry.StdOut);
        Assert.Equal(0, (await Poll()).ExitCode);
        Assert.Equal(2, _webhook.Requests.Count);
        Assert.Equal(_webhook.Requests[0].Header("X-Aggregator-Delivery"), _webhook.Requests[1].Header("X-Aggregator-Delivery"));
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'delivered'"));
    }

    [Fact]
    public async Task AnAlertGoesOutWhileOtherFeedsOfTheCycleAreStillBeingRead()
    {
        Configure(new JsonObject { ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url } });
        _root.WriteFeeds($$"""
            { "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" }, { "name": "Slow", "url": "{{_feeds.Url("/slow.xml")}}" } ] }
            """);
        _feeds.Serve("/slow.xml", Rss.Feed("Slow"));
        await NewMatchingEntriesAsync(1);

        // The slow feed answers once the alert has reached the webhook, or after 10 s: before, the alerts
        // waited for the whole cycle, so it would answer late and the alert would arrive after it.
        var alertBeforeAnswer = false;
        _feeds.Handle("/slow.xml", async context =>
        {
            try
            {
                await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10));
                alertBeforeAnswer = true;
            }
            catch (TimeoutException)
            {
            }
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Rss.Feed("Slow"));
        });

        var result = await Poll();
        Assert.Contains("delivered 1,", result.StdOut);
        Assert.True(alertBeforeAnswer, "the alert was sent only after every feed of the cycle had answered");
        Assert.Single(_webhook.Requests);
    }

    [Fact]
    public async Task TheSmtpPasswordIsReadFromUserSecrets()
    {
        await using var secured = await SmtpServer.StartAsync("alerts", "s3cret");
        JsonObject Email(string? password = null)
        {
            var email = new JsonObject
            {
                ["Type"] = "smtp", ["Host"] = secured.Host, ["Port"] = secured.Port, ["Security"] = "none", ["Username"] = "alerts",
                ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"),
            };
            if (password is not null) email["Password"] = password;
            return email;
        }
        Configure(new JsonObject { ["email"] = Email() });
        // `dotnet user-secrets set Notifiers:email:Password s3cret --id aggregator` writes this file.
        var home = Path.Combine(_root.Path, "home");
        var secrets = Path.Combine(home, ".microsoft", "usersecrets", "aggregator");
        Directory.CreateDirectory(secrets);
        File.WriteAllText(Path.Combine(secrets, "secrets.json"), """{ "Notifiers:email:Password": "s3cret" }""");

        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        Configure(new JsonObject { ["email"] = Email(password: "s3cret") });
        var inSettings = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(2, inSettings.ExitCode);
        Assert.Contains("Notifiers:email:Password is written in appsettings.json; keep passwords out of files", inSettings.StdErr);
        Configure(new JsonObject { ["email"] = Email() });

        var withoutSecrets = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(2, withoutSecrets.ExitCode);
        Assert.Contains("Notifiers:email:PasswordEnvironmentVariable is missing", withoutSecrets.StdErr);

        var poll = AggregatorProcess.StartInfo(_root.Path, "poll");
        poll.Environment["HOME"] = home;
        Assert.Equal(0, (await AggregatorProcess.RunAsync(poll)).ExitCode);
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("n", "Hezbollah item")));
        var result = await AggregatorProcess.RunAsync(poll);
        Assert.Contains("delivered 1", result.StdOut);
        Assert.Single(await secured.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.DoesNotContain("s3cret", result.StdOut + result.StdErr);
    }
}
