using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aggregator.Health;
using Aggregator.Monitoring;
using Aggregator.Refreshing;
using Aggregator.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Health;

/// <summary>/healthz and /metrics served by Kestrel on loopback, in-process on a fake clock: the scheduler's stall is
/// driven by time, not by waiting for it.</summary>
public sealed partial class HealthServerTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-health-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly AggregatorMetrics _metrics = new(export: true);
    private readonly HttpClient _http = new();
    private Database _database = null!;
    private HealthServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _database = new SqliteDatabase(Path.Combine(_directory, "aggregator.db"));
        await _database.MigrateAsync();
        var feeds = new FeedStore(_database);
        await feeds.SyncAsync([new FeedDefinition("Alpha", new Uri("https://example.org/a"), null, []), new FeedDefinition("Beta", new Uri("https://example.org/b"), null, [])], _time.GetUtcNow());
        _server = new HealthServer(new HealthCheck(_database, _metrics, _time), _metrics,
            Options.Create(new HealthOptions { Enabled = true, Url = "http://127.0.0.1:0" }),
            Options.Create(new PollingOptions { Tick = TimeSpan.FromSeconds(30) }), NullLogger<HealthServer>.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _server.StopAsync(CancellationToken.None);
        await _server.DisposeAsync();
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task HealthzIsOkWhileCyclesStartAnd503OnceNoneHasStartedForFiveTicks()
    {
        var ct = TestContext.Current.CancellationToken;
        Assert.Equal(TimeSpan.FromSeconds(150), _server.StallAfter);
        var starting = await _http.GetAsync(new Uri(_server.Address!, "/healthz"), ct);
        Assert.Equal(HttpStatusCode.OK, starting.StatusCode);
        Assert.Equal("starting", JsonDocument.Parse(await starting.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("status").GetString());

        _metrics.CycleStarted(_time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(2));
        _metrics.CycleEnded(_time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(140));
        var ok = await _http.GetAsync(new Uri(_server.Address!, "/healthz"), ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync(ct)).RootElement;
        Assert.True(body.GetProperty("ready").GetBoolean());
        Assert.Equal("2026-12-01T12:00:00+00:00", body.GetProperty("lastCycleStart").GetString());
        Assert.Equal("2026-12-01T12:00:02+00:00", body.GetProperty("lastCycleEnd").GetString());
        Assert.Equal(2, body.GetProperty("feeds").GetProperty("new").GetInt64());
        Assert.Equal(0, body.GetProperty("outbox").GetProperty("pending").GetInt64());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("cluster").ValueKind); // SQLite: one process, no cluster to show

        _time.Advance(TimeSpan.FromSeconds(10)); // 152 s since the last cycle started: five ticks of 30 s have passed
        var stalled = await _http.GetAsync(new Uri(_server.Address!, "/healthz"), ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stalled.StatusCode);
        Assert.Equal("stalled", JsonDocument.Parse(await stalled.Content.ReadAsStringAsync(ct)).RootElement.GetProperty("status").GetString());

        _metrics.CycleStarted(_time.GetUtcNow());
        Assert.Equal(HttpStatusCode.OK, (await _http.GetAsync(new Uri(_server.Address!, "/healthz"), ct)).StatusCode);
    }

    [Fact]
    public async Task HealthzGivesTheOutboxDepthAndWhenItsOldestPendingAlertWasQueued()
    {
        var ct = TestContext.Current.CancellationToken;
        var queued = _time.GetUtcNow() - TimeSpan.FromMinutes(7);
        var feedId = (await new FeedStore(_database).GetAllAsync(ct))[0].Id;
        await using (var write = await _database.BeginWriteAsync(ct))
        {
            var entryId = await EntryStore.InsertAsync(write, feedId, EntryStore.Encode("id:1", new Aggregator.Parsing.ParsedEntry { Id = "1" }, queued, storeHtml: false));
            var matchId = await new MatchStore(_database).InsertAsync(write, entryId!.Value, "rule", ["word"], queued);
            await new OutboxStore(_database).InsertAsync(write, "delivery-1", matchId!.Value, "email", "{}", queued, queued, null);
            await write.CommitAsync(ct);
        }

        var body = JsonDocument.Parse(await _http.GetStringAsync(new Uri(_server.Address!, "/healthz"), ct)).RootElement;
        Assert.Equal(1, body.GetProperty("outbox").GetProperty("pending").GetInt64());
        Assert.Equal(queued, body.GetProperty("outbox").GetProperty("oldestPending").GetDateTimeOffset());
    }

    [Fact]
    public async Task MetricsAreValidPrometheusTextWithPollsDeliveriesAndTheOutbox()
    {
        var ct = TestContext.Current.CancellationToken;
        _metrics.Polled("200", 4096, newEntries: 7, matches: 2, alerts: 3, TimeSpan.FromMilliseconds(300));
        _metrics.Polled("304", 0, 0, 0, 0, TimeSpan.FromMilliseconds(20));
        _metrics.Polled("304", 0, 0, 0, 0, TimeSpan.FromMilliseconds(30));
        _metrics.Polled("timeout", 0, 0, 0, 0, TimeSpan.FromSeconds(30));
        _metrics.Delivered("ops", "delivered", 2);
        _metrics.Delivered("email", "retry", 1);

        var response = await _http.GetAsync(new Uri(_server.Address!, "/metrics"), ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain; version=0.0.4", response.Content.Headers.ContentType!.ToString());
        var samples = Parse(await response.Content.ReadAsStringAsync(ct));

        Assert.Equal(1, samples["aggregator_polls_total{outcome=\"200\"}"]);
        Assert.Equal(2, samples["aggregator_polls_total{outcome=\"304\"}"]);
        Assert.Equal(1, samples["aggregator_polls_total{outcome=\"timeout\"}"]);
        Assert.Equal(4096, samples["aggregator_fetched_bytes_total"]);
        Assert.Equal(7, samples["aggregator_entries_stored_total"]);
        Assert.Equal(2, samples["aggregator_matches_total"]);
        Assert.Equal(3, samples["aggregator_alerts_queued_total"]);
        Assert.Equal(2, samples["aggregator_deliveries_total{notifier=\"ops\",outcome=\"delivered\"}"]);
        Assert.Equal(1, samples["aggregator_deliveries_total{notifier=\"email\",outcome=\"retry\"}"]);
        Assert.Equal(4, samples["aggregator_poll_duration_seconds_count"]);
        Assert.Equal(3, samples["aggregator_poll_duration_seconds_bucket{le=\"0.5\"}"]);
        Assert.Equal(4, samples["aggregator_poll_duration_seconds_bucket{le=\"+Inf\"}"]);
        Assert.Equal(2, samples["aggregator_feeds{state=\"new\"}"]);
        Assert.Equal(0, samples["aggregator_outbox_pending"]);
        Assert.True(samples.ContainsKey("process_cpu_seconds_total"));
    }

    /// <summary>Parses the Prometheus text format (0.0.4) strictly: every family has # HELP and # TYPE before its samples,
    /// every sample line is name{labels} value.</summary>
    public static Dictionary<string, double> Parse(string text)
    {
        var samples = new Dictionary<string, double>();
        var types = new Dictionary<string, string>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal)) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                Assert.Contains(parts[3], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
                types[parts[2]] = parts[3];
                continue;
            }
            var match = Sample().Match(line);
            Assert.True(match.Success, $"not a Prometheus sample line: {line}");
            var name = match.Groups["name"].Value;
            var family = types.Keys.FirstOrDefault(t => name == t || name == t + "_bucket" || name == t + "_sum" || name == t + "_count");
            Assert.True(family is not null, $"sample {name} before its # TYPE line");
            samples[name + match.Groups["labels"].Value] = double.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
        }
        return samples;
    }

    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? (?<value>[-+0-9.eE]+|NaN|\+Inf|-Inf)( \d+)?$""")]
    private static partial Regex Sample();
}
