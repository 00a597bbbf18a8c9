using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Tests.Health;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.EndToEnd;

/// <summary>The service as an operator runs it: /healthz and /metrics scraped from the real process, logs as JSON for a
/// shipper, and no secret in any log line.</summary>
public sealed class ServiceOperationsTests : IAsyncLifetime
{
    private const string SmtpPassword = "pw-Zq81sSecret";
    private const string WebhookSecret = "hmac-Kk27Secret";
    private const string WebhookToken = "tok-Jj93Secret";
    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;
    private WebhookReceiver _webhook = null!;
    private SmtpServer _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        _feeds = await FeedServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
        _smtp = await SmtpServer.StartAsync("alerts", SmtpPassword);
    }

    public async ValueTask DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _webhook.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Configure(JsonObject? health = null)
    {
        _root.WriteSettings(
            notifiers: new JsonObject
            {
                ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = $"{_webhook.Url}?token={WebhookToken}", ["Secret"] = WebhookSecret },
                ["email"] = new JsonObject
                {
                    ["Type"] = "smtp", ["Host"] = _smtp.Host, ["Port"] = _smtp.Port, ["Security"] = "none", ["Username"] = "alerts",
                    ["PasswordEnvironmentVariable"] = "AGGREGATOR_TEST_SMTP_PASSWORD", ["From"] = "aggregator@example.test", ["To"] = new JsonArray("analyst@example.test"),
                },
            },
            aggregator: new JsonObject
            {
                ["Polling"] = new JsonObject { ["Interval"] = "1s", ["MinInterval"] = "1s", ["Tick"] = "1s" },
                ["Delivery"] = new JsonObject { ["Tick"] = "1s" },
                ["Health"] = health ?? new JsonObject(),
            });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("old", "Hezbollah, last year")));
    }

    private static Dictionary<string, string> Environment(params (string Name, string Value)[] more)
    {
        var environment = new Dictionary<string, string> { ["AGGREGATOR_TEST_SMTP_PASSWORD"] = SmtpPassword };
        foreach (var (name, value) in more) environment[name] = value;
        return environment;
    }

    [Fact]
    public async Task TheServiceServesHealthzAndPrometheusMetricsOnLoopbackWhenEnabled()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        var port = FreePort();
        Configure(new JsonObject { ["Enabled"] = true, ["Url"] = $"http://127.0.0.1:{port}" });
        await using var service = ServiceProcess.Start(_root.Path, Environment());
        await service.WaitForLogAsync($"Health endpoint listening on http://127.0.0.1:{port}");
        var seen = await service.WaitForLogAsync("1 entries, 1 new");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("new", "Hezbollah today"), new Rss.Item("old", "Hezbollah, last year")));
        await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await _smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30));
        await service.WaitForLogAsync("Delivery", seen);

        using var http = new HttpClient();
        var health = await http.GetAsync($"http://127.0.0.1:{port}/healthz", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("feeds").GetProperty("ok").GetInt64());
        Assert.Equal(5, body.GetProperty("stallAfterSeconds").GetDouble());

        var samples = HealthServerTests.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/metrics", TestContext.Current.CancellationToken));
        Assert.True(samples["aggregator_polls_total{outcome=\"200\"}"] >= 2);
        Assert.Equal(2, samples["aggregator_entries_stored_total"]);
        Assert.Equal(1, samples["aggregator_matches_total"]);
        Assert.Equal(2, samples["aggregator_alerts_queued_total"]);
        Assert.Equal(1, samples["aggregator_feeds{state=\"ok\"}"]);
        Assert.True(samples["aggregator_fetched_bytes_total"] > 0);
        Assert.Equal(0, await service.StopAsync());
    }

    [Fact]
    public async Task WithLogFormatJsonEveryLineIsAJsonObjectAndEachPollIsOneEventWithItsFields()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        Configure();
        await using var service = ServiceProcess.Start(_root.Path, Environment(("Aggregator__LogFormat", "json")));
        await service.WaitForLogAsync("1 entries, 1 new");
        Assert.Equal(0, await service.StopAsync());

        var events = service.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var poll = events.First(e => e.GetProperty("EventId").GetInt32() == 102);
        Assert.Equal("Aggregator.Refreshing.FeedRefresher", poll.GetProperty("Category").GetString());
        var state = poll.GetProperty("State");
        Assert.Equal("Alpha", state.GetProperty("FeedName").GetString());
        Assert.Equal("200", state.GetProperty("Outcome").GetString());
        Assert.Equal(200, state.GetProperty("Status").GetInt32());
        Assert.Equal(1, state.GetProperty("NewEntries").GetInt32());
        Assert.True(state.GetProperty("Bytes").GetInt64() > 0);
        Assert.True(state.TryGetProperty("ElapsedMs", out _));
    }

    [Fact]
    public async Task NoSecretReachesTheLogEvenAtDebugLevelWithDeliveriesAndFailures()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "sends SIGTERM");
        Configure();
        _webhook.Default = new ScriptedResponse(500); // failures are what get logged in most detail
        await using var service = ServiceProcess.Start(_root.Path, Environment(("Logging__LogLevel__Default", "Debug"),
            ("Logging__LogLevel__System.Net.Http.HttpClient", "Debug"), ("Logging__LogLevel__Microsoft", "Debug")));
        await service.WaitForLogAsync("1 entries, 1 new");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("new", "Hezbollah today"), new Rss.Item("old", "Hezbollah, last year")));
        await _smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30));
        await _webhook.WaitForRequestsAsync(1, TimeSpan.FromSeconds(30));
        await service.WaitForLogAsync("attempt 1 failed");
        Assert.Equal(0, await service.StopAsync());

        var poll = await AggregatorProcess.RunAsync(AggregatorProcess.StartInfo(_root.Path, "poll", "--log-format", "json") is var info
            && info.Environment.TryAdd("AGGREGATOR_TEST_SMTP_PASSWORD", SmtpPassword) ? info : info);
        var logs = service.Log + "\n" + poll.StdErr + "\n" + poll.StdOut;
        Assert.Contains(" dbug: ", service.Log); // it did log at Debug
        foreach (var secret in new[] { SmtpPassword, WebhookSecret, WebhookToken })
            Assert.DoesNotContain(secret, logs);
    }
}
