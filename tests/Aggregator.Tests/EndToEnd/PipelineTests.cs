using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.EndToEnd;

/// <summary>The whole product as a user runs it: the real `aggregator` executable polling feeds from a
/// loopback HTTP server, a real SQLite file, alerts to a real SMTP server (aiosmtpd) and a real webhook receiver.</summary>
[Trait("Category", "EndToEnd")]
public abstract class PipelineTests(StorageProvider provider) : IAsyncLifetime
{
    /// <summary>These tests on a SQLite file.</summary>
    public sealed class OnSqlite() : PipelineTests(StorageProvider.Sqlite)
    {
        [Fact]
        public Task OnceAPollHasEndedTheDatabaseFileAloneHoldsWhatItStored() => OnceAPollHasEndedTheDatabaseFileAloneHoldsWhatItStoredAsync();
    }

    /// <summary>These tests on a PostgreSQL database of their own.</summary>
    public sealed class OnPostgres() : PipelineTests(StorageProvider.Postgres);

    private const string Secret = "s3cret";
    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private SmtpServer _smtp = null!;
    private WebhookReceiver _webhook = null!;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _smtp = await SmtpServer.StartAsync();
        _webhook = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _webhook.DisposeAsync();
        await _smtp.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private void Configure(JsonObject? aggregator = null)
    {
        _root.WriteSettings(
            notifiers: new JsonObject
            {
                ["email"] = new JsonObject
                {
                    ["Type"] = "smtp", ["Host"] = "127.0.0.1", ["Port"] = _smtp.Port, ["Security"] = "none",
                    ["From"] = "aggregator@example.test", ["To"] = new JsonArray("analyst@example.test", "desk@example.test"),
                },
                ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url.ToString(), ["Secret"] = Secret },
            },
            aggregator: aggregator ?? new JsonObject { ["Delivery"] = new JsonObject { ["FirstRetryDelay"] = "00:00:01" } });
        _root.WriteFeeds($$"""
            { "feeds": [
              { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}", "tags": ["news"] },
              { "name": "Beta",  "url": "{{_feeds.Url("/beta.xml")}}",  "tags": ["news"] }
            ] }
            """);
        _root.WriteRules("""
            { "rules": [
              { "name": "hezbollah-russia", "query": "Hezbollah AND Russia", "notify": ["email", "ops"] },
              { "name": "sanctions", "query": "sanctions", "feeds": ["Beta"], "notify": ["ops"] }
            ] }
            """);
    }

    private static readonly Rss.Item A1 = new("a1", "Hezbollah and Russia: old news", "backlog item");
    private static readonly Rss.Item A2 = new("a2", "Weather", "sunny");
    private static readonly Rss.Item B1 = new("b1", "New sanctions", "backlog item");

    private Task<AggregatorProcess.Result> Poll() => AggregatorProcess.RunAsync(_root.Path, "poll");

    [Fact]
    public async Task EachMatchArrivesOnceByEmailAndWebhookAcrossPollsAndRestarts()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", A2, A1));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", B1));

        // First poll: a new feed's backlog is stored, not alerted.
        var first = await Poll();
        Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
        Assert.Equal(3, await CountAsync("SELECT count(*) FROM entries"));
        Assert.Contains("first poll: stored without alerting", first.StdOut);

        // New items: a3 matches rule 1; b2 matches rule 2 only; b3 matches both; a4 nothing.
        var a3 = new Rss.Item("a3", "Hezbollah fighters seen with Russia's advisers", "<p>Report from <b>Beirut</b></p>");
        var a4 = new Rss.Item("a4", "Markets", "Nothing to see: hezbollahs, russian");
        var b2 = new Rss.Item("b2", "EU agrees new round", "More sanctions on oil");
        var b3 = new Rss.Item("b3", "Sanctions target Hezbollah finance", "Russia objects");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", a4, a3, A2, A1));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", b3, b2, B1));

        var second = await Poll();
        Assert.True(second.ExitCode == 0, second.StdOut + second.StdErr);
        var mails = await _smtp.WaitForMessagesAsync(2, TimeSpan.FromSeconds(10));
        var hooks = await _webhook.WaitForRequestsAsync(4, TimeSpan.FromSeconds(10));
        Assert.Equal(["[hezbollah-russia] Hezbollah fighters seen with Russia's advisers", "[hezbollah-russia] Sanctions target Hezbollah finance"],
            mails.Select(m => m.Subject).Order(StringComparer.Ordinal));
        Assert.All(mails, m => Assert.Equal(["analyst@example.test", "desk@example.test"], m.To.Mailboxes.Select(a => a.Address).Order()));

        var bodies = hooks.Select(h => JsonNode.Parse(h.BodyText)!).ToList();
        Assert.Equal(["hezbollah-russia a3", "hezbollah-russia b3", "sanctions b2", "sanctions b3"],
            bodies.Select(b => $"{b["rule"]} {b["entry"]!["id"]}").Order(StringComparer.Ordinal));
        foreach (var hook in hooks)
        {
            var body = JsonNode.Parse(hook.BodyText)!;
            Assert.Equal(body["deliveryId"]!.GetValue<string>(), hook.Header("X-Aggregator-Delivery"));
            var timestamp = hook.Header("X-Aggregator-Timestamp");
            var signed = Encoding.UTF8.GetBytes($"{timestamp}.").Concat(hook.Body).ToArray();
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
            Assert.Equal(expected, hook.Header("X-Aggregator-Signature"));
        }
        var a3Hook = bodies.Single(b => b["entry"]!["id"]!.GetValue<string>() == "a3");
        Assert.Equal("Report from Beirut", a3Hook["entry"]!["summary"]!.GetValue<string>());
        // The email shows the feed's HTML although the database keeps only the plain text (StoreHtml is off).
        Assert.Contains("<b>Beirut</b>", mails.Single(m => m.Subject!.Contains("advisers", StringComparison.Ordinal)).HtmlBody);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM entries WHERE guid = 'a3' AND summary = 'Report from Beirut' AND summary_html IS NULL"));
        Assert.Equal(["Hezbollah", "Russia"], a3Hook["matchedTerms"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
        Assert.Equal(6, await CountAsync("SELECT count(*) FROM outbox WHERE status = 'delivered'"));

        // Nothing changed: conditional GETs answered 304, nothing sent again — in a new process each time.
        var requestsBefore = _feeds.Requests.Count;
        var third = await Poll();
        Assert.True(third.ExitCode == 0, third.StdOut + third.StdErr);
        Assert.All(_feeds.Requests.Skip(requestsBefore), r => Assert.Equal(304, r.Status));

        // The feed rewrites an old item (same guid, new title) and drops another: still not new.
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", a3 with { Title = "Hezbollah and Russia (updated)" }, A2));
        var fourth = await Poll();
        Assert.True(fourth.ExitCode == 0, fourth.StdOut + fourth.StdErr);

        // Each poll has ended, and a receiver records a message before it answers: what has arrived is all there is.
        Assert.Equal(2, _smtp.Messages.Count);
        Assert.Equal(4, _webhook.Requests.Count);
        Assert.Equal(7, await CountAsync("SELECT count(*) FROM entries"));
    }

    [Fact]
    public async Task WithNoNotifierConfiguredMatchesArePrintedToTheConsole()
    {
        Configure();
        _root.WriteSettings(); // no "Notifiers"
        _root.WriteRules("""{ "rules": [ { "name": "watch", "query": "Hezbollah" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta"));
        Assert.Equal(0, (await Poll()).ExitCode);
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("c1", "Hezbollah statement", Link: "https://example.com/c1")));

        var result = await Poll();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("rule 'watch'", result.StdOut);
        Assert.Contains("Hezbollah statement", result.StdOut);
        Assert.Contains("https://example.com/c1", result.StdOut);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM outbox WHERE notifier = 'console' AND status = 'delivered'"));
    }

    [Fact]
    public async Task TheSameStoryThroughTwoFeedsAlertsOnceAndTheOtherIsRecordedAsADuplicate()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha"));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta"));
        Assert.Equal(0, (await Poll()).ExitCode);

        // Same article, links differing only by tracking parameters, www and a trailing slash; and a
        // re-titled copy elsewhere with the same headline words.
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha",
            new Rss.Item("a-1", "New sanctions hit Hezbollah and Russia", Link: "https://news.example/story?utm_source=alpha"),
            new Rss.Item("a-2", "Russia, Hezbollah: talks collapse", Link: "https://news.example/talks")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta",
            new Rss.Item("b-1", "New sanctions hit Hezbollah & Russia", Link: "https://www.news.example/story/?utm_medium=beta"),
            new Rss.Item("b-2", "RUSSIA, HEZBOLLAH — talks collapse", Link: "https://other.example/copy")));
        var result = await Poll();
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("duplicate stories not alerted", result.StdOut);

        // The poll has ended, so every alert it sent has arrived.
        // hezbollah-russia: one alert per story, from whichever feed was stored first (they are polled in
        // parallel); sanctions (Beta only): b-1 is new for that rule.
        var alerted = _webhook.Requests.Select(h => JsonNode.Parse(h.BodyText)!).Select(b => $"{b["rule"]} {b["entry"]!["id"]}").ToList();
        Assert.Equal(3, alerted.Count);
        Assert.Contains("sanctions b-1", alerted);
        Assert.Single(alerted, a => a is "hezbollah-russia a-1" or "hezbollah-russia b-1");
        Assert.Single(alerted, a => a is "hezbollah-russia a-2" or "hezbollah-russia b-2");
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM matches WHERE duplicate_of IS NOT NULL"));
    }

    [Fact]
    public async Task ABrokenFeedIsReportedAndStoredWhileTheOthersAreRead()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", A1));
        _feeds.Handle("/beta.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });

        var result = await Poll();
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("FAIL  Beta", result.StdOut);
        Assert.Contains("HTTP 500", result.StdOut);
        Assert.Equal(1, await CountAsync("SELECT count(*) FROM entries"));
        await using var connection = await _root.OpenDatabaseAsync();
        var (error, count) = await connection.QuerySingleAsync<(string, long)>("SELECT last_error, error_count FROM feeds WHERE name = 'Beta'");
        Assert.StartsWith("HTTP 500", error);
        Assert.Equal(1, count);
    }

    [Fact]
    public async Task AFeedThatIsGoneIsMarkedAndNotPolledAgainWhileOthersAre()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", A1));
        _feeds.Handle("/beta.xml", context => { context.Response.StatusCode = 410; return Task.CompletedTask; });

        var first = await Poll();
        Assert.Equal(1, first.ExitCode);
        Assert.Contains("gone for good", first.StdOut);
        var list = await AggregatorProcess.RunAsync(_root.Path, "feeds", "list", "--json");
        Assert.Contains(list.StdOut.Split('\n'), l => l.Contains("\"name\":\"Beta\"") && l.Contains("\"state\":\"gone\""));

        var betaRequests = _feeds.Requests.Count(r => r.Path == "/beta.xml");
        var second = await Poll();
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("gone  Beta  410 since", second.StdOut);
        Assert.Equal(betaRequests, _feeds.Requests.Count(r => r.Path == "/beta.xml"));
    }

    [Fact]
    public async Task AFeedThatMovedPermanentlyIsPolledAtItsNewUrlUntilTheConfigNamesAnother()
    {
        Configure();
        _feeds.Serve("/alpha-new.xml", Rss.Feed("Alpha", A1));
        _feeds.Handle("/alpha.xml", context => { context.Response.StatusCode = 301; context.Response.Headers.Location = "/alpha-new.xml"; return Task.CompletedTask; });
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", B1));
        Assert.Equal(0, (await Poll()).ExitCode);

        var before = _feeds.Requests.Count(r => r.Path == "/alpha.xml");
        Assert.Equal(0, (await Poll()).ExitCode);
        Assert.Equal(before, _feeds.Requests.Count(r => r.Path == "/alpha.xml")); // straight to the new URL
        Assert.Equal(304, _feeds.Requests.Last(r => r.Path == "/alpha-new.xml").Status);
        var list = await AggregatorProcess.RunAsync(_root.Path, "status", "--json");
        Assert.Contains(_feeds.Url("/alpha-new.xml").ToString(), list.StdOut);
    }

    [Fact]
    public async Task AFeedsTtlPostponesItsNextPoll()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", A1).Replace("<description>test feed</description>", "<description>test feed</description><ttl>180</ttl>"));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", B1));
        Assert.Equal(0, (await Poll()).ExitCode);
        var waits = await WaitsAsync();
        Assert.InRange(waits["Alpha"], 179.9, 198.1); // <ttl>180</ttl> minutes, plus up to 10% jitter
        Assert.InRange(waits["Beta"], 14.9, 16.6);   // the 15-minute default
    }

    [Fact]
    public async Task OneCycleSurvivesEveryWayTheWebMisbehavesAndStoresTheGoodFeed()
    {
        var bad = new (string Name, RequestDelegate Handler, string Error)[]
        {
            ("trickle", async c => { try { for (var i = 0; i < 100; i++) { await c.Response.WriteAsync("<", c.RequestAborted); await c.Response.Body.FlushAsync(c.RequestAborted); await Task.Delay(1000, c.RequestAborted); } } catch (OperationCanceledException) { } }, "no complete response within 3 s"),
            ("busy", c => { c.Response.StatusCode = 503; c.Response.Headers.RetryAfter = "3600"; return Task.CompletedTask; }, "HTTP 503"),
            ("html", c => { c.Response.ContentType = "text/html"; return c.Response.WriteAsync("<!DOCTYPE html><html><head><title>Home</title></head><body>hi</body></html>"); }, "not a feed: an HTML page (\"Home\")"),
            ("empty", c => Task.CompletedTask, "empty body"),
            ("bomb", async c =>
            {
                c.Response.Headers.ContentEncoding = "gzip";
                await using var gzip = new System.IO.Compression.GZipStream(c.Response.Body, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true);
                var zeros = new byte[1 << 20];
                try { for (var i = 0; i < 64; i++) await gzip.WriteAsync(zeros, c.RequestAborted); } catch (Exception ex) when (ex is OperationCanceledException or IOException) { }
            }, "Aggregator:Polling:MaxFeedBytes"),
            ("reset", c => { c.Abort(); return Task.CompletedTask; }, "closed the connection"),
            ("missing", c => { c.Response.StatusCode = 404; return Task.CompletedTask; }, "HTTP 404"),
        };
        _root.WriteSettings(aggregator: new JsonObject { ["Polling"] = new JsonObject { ["Timeout"] = "00:00:03", ["MaxFeedBytes"] = 4 * 1024 * 1024 } });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "good", "url": "{{_feeds.Url("/good.xml")}}" }, {{string.Join(",", bad.Select(b => $$"""{ "name": "{{b.Name}}", "url": "{{_feeds.Url($"/{b.Name}.xml")}}" }"""))}} ] }""");
        _root.WriteRules("""{ "rules": [] }""");
        _feeds.Serve("/good.xml", Rss.Feed("Good", A1, A2));
        foreach (var (name, handler, _) in bad) _feeds.Handle($"/{name}.xml", handler);

        var started = DateTime.UtcNow;
        var result = await Poll();
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the cycle waited on a misbehaving server");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, await CountAsync("SELECT count(*) FROM entries"));
        await using var connection = await _root.OpenDatabaseAsync();
        var errors = (await connection.QueryAsync<(string Name, string? Error)>("SELECT name, last_error FROM feeds")).ToDictionary(r => r.Name, r => r.Error);
        Assert.Null(errors["good"]);
        foreach (var (name, _, error) in bad) Assert.Contains(error, errors[name]);
        Assert.True((await WaitsAsync())["busy"] >= 60, "Retry-After: 3600 was not honoured");
    }

    [Fact]
    public async Task AConfigMistakeStopsStartUpWithTheFileLineAndFix()
    {
        Configure();
        _root.WriteRules("""
            { "rules": [
              { "name": "r", "query": "iran", "notify": ["emial"] }
            ] }
            """);
        var result = await Poll();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("rule \"r\": unknown notifier \"emial\"", result.StdErr);
        Assert.False(provider == StorageProvider.Sqlite ? File.Exists(_root.DatabasePath) : await CountAsync("SELECT count(*) FROM information_schema.tables WHERE table_name = 'entries'") > 0,
            "the database was created before the configuration was checked");
    }

    [Fact]
    public async Task TheCliListsFeedsAndEntriesAndSearchesStoredEntriesWithTheRuleLanguage()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha",
            new Rss.Item("a3", "Hezbollah and Russia meet", "in Damascus", new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero)), A1, A2));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", B1));
        Assert.Equal(0, (await Poll()).ExitCode);

        var feeds = await AggregatorProcess.RunAsync(_root.Path, "feeds", "list", "--json");
        var rows = feeds.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(["Alpha ok 3", "Beta ok 1"], rows.Select(r => $"{r["name"]} {r["state"]} {r["entries"]}"));
        var status = await AggregatorProcess.RunAsync(_root.Path, "status", "--json");
        Assert.Equal(feeds.StdOut, status.StdOut);

        var entries = await AggregatorProcess.RunAsync(_root.Path, "entries", "--feed", "Alpha", "--limit", "2", "--json");
        Assert.Equal(2, entries.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var search = await AggregatorProcess.RunAsync(_root.Path, "search", "hezbollah AND russia", "--json");
        var hits = search.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        // Newest first; "Russia" inside "Russia's" counts, "russian" would not.
        Assert.Equal(["a3", "a1"], hits.Select(h => h["guid"]!.GetValue<string>()));
        Assert.Equal(["hezbollah", "russia"], hits[0]["matchedTerms"]!.AsArray().Select(t => t!.GetValue<string>()));

        // Backtest: a configured rule by name (with its feed scope), and a bare query.
        var backtest = await AggregatorProcess.RunAsync(_root.Path, "rules", "test", "hezbollah-russia", "--since", "3650d", "--json");
        var report = JsonNode.Parse(backtest.StdOut)!;
        Assert.Equal((4, 2), (report["scanned"]!.GetValue<int>(), report["matched"]!.GetValue<int>()));
        Assert.Equal(2, report["perFeed"]!["Alpha"]!.GetValue<int>());
        Assert.Equal(1, report["perDay"]!["2026-11-02"]!.GetValue<int>());
        var scoped = await AggregatorProcess.RunAsync(_root.Path, "rules", "test", "sanctions", "--since", "3650d", "--json");
        Assert.Equal(1, JsonNode.Parse(scoped.StdOut)!["matched"]!.GetValue<int>()); // the rule only looks at Beta
        var text = await AggregatorProcess.RunAsync(_root.Path, "rules", "test", "weather OR sanctions", "--since", "3650d");
        Assert.Contains("2 of 4 entries since", text.StdOut);

        var bad = await AggregatorProcess.RunAsync(_root.Path, "search", "(hezbollah");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("missing ')' for the '(' at column 1", bad.StdErr);
    }

    [Fact]
    public async Task ABadSettingInAppsettingsStopsStartUpNamingTheKey()
    {
        Configure(new JsonObject { ["Polling"] = new JsonObject { ["Interval"] = "00:00:10", ["MaxConcurrency"] = 0 } });
        var result = await Poll();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Aggregator:Polling:Interval (00:00:10) must lie between MinInterval", result.StdErr);

        Configure(new JsonObject { ["Polling"] = new JsonObject { ["Timeout"] = "thirty seconds" } });
        result = await Poll();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Aggregator:Polling:Timeout", result.StdErr);

        File.WriteAllText(Path.Combine(_root.Path, "appsettings.json"), "{ \"Aggregator\": { ");
        result = await Poll();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("appsettings.json': line", result.StdErr);
        Assert.DoesNotContain("Unhandled exception", result.StdErr);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnEntrysHtmlIsStoredBesideItsPlainTextOnlyWithStoreHtml(bool storeHtml)
    {
        _root.WriteSettings(aggregator: new JsonObject { ["StoreHtml"] = storeHtml });
        _root.WriteRules("""{ "rules": [] }""");
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Markets", "<p>Oil <b>up</b> &amp; gas down</p>")));

        var result = await Poll();
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        await using var connection = await _root.OpenDatabaseAsync();
        var (summary, html) = await connection.QuerySingleAsync<(string, string?)>("SELECT summary, summary_html FROM entries");
        Assert.Equal("Oil up & gas down", summary);
        Assert.Equal(storeHtml ? "<p>Oil <b>up</b> &amp; gas down</p>" : null, html);
    }

    [Fact]
    public async Task EveryFeedThatAnswers304IsRecordedAsCheckedEvenInACycleOfHundreds()
    {
        // 304s are written a hundred to a transaction: 250 feeds give two full batches and a remainder.
        const int count = 250;
        _root.WriteSettings();
        _root.WriteRules("""{ "rules": [] }""");
        _root.WriteFeeds(JsonSerializer.Serialize(new
        {
            feeds = Enumerable.Range(0, count).Select(i => new { name = $"feed{i:D3}", url = _feeds.Url($"/f{i}.xml").ToString() }),
        }));
        for (var i = 0; i < count; i++) _feeds.Serve($"/f{i}.xml", Rss.Feed($"Feed {i}", new Rss.Item($"f{i}", $"Item {i}", "text")));

        var first = await Poll();
        Assert.True(first.ExitCode == 0, first.StdOut + first.StdErr);
        await using (var connection = await _root.OpenDatabaseAsync())
            await connection.ExecuteAsync("UPDATE feeds SET last_checked_at = NULL, next_check_at = '2000-01-01T00:00:00Z'");

        var second = await Poll();
        Assert.True(second.ExitCode == 0, second.StdOut + second.StdErr);
        Assert.Equal(count, _feeds.Requests.Count(r => r.Status == 304));
        Assert.Equal(count, await CountAsync("""
            SELECT count(*) FROM feeds
            WHERE last_status = 304 AND last_checked_at IS NOT NULL AND next_check_at > last_checked_at AND error_count = 0
            """));
    }

    /// <summary>SQLite only: a file a user can copy once `poll` has ended.</summary>
    protected async Task OnceAPollHasEndedTheDatabaseFileAloneHoldsWhatItStoredAsync()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", A1));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta"));
        Assert.Equal(0, (await Poll()).ExitCode);

        Assert.False(File.Exists(_root.DatabasePath + "-wal"), "the write-ahead log was left beside the database");
        var copy = Path.Combine(Path.GetDirectoryName(_root.DatabasePath)!, "copy.db");
        File.Copy(_root.DatabasePath, copy);
        await using var connection = new SqliteConnection($"Data Source={copy};Pooling=False");
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries"));
    }

    private Task<long> CountAsync(string sql) => _root.CountAsync(sql);

    /// <summary>Minutes from each feed's last check to its next, by name.</summary>
    private async Task<Dictionary<string, double>> WaitsAsync()
    {
        await using var connection = await _root.OpenDatabaseAsync();
        return (await connection.QueryAsync<FeedTimes>("SELECT name, last_checked_at, next_check_at FROM feeds"))
            .ToDictionary(r => r.Name, r => (r.NextCheckAt - r.LastCheckedAt).TotalMinutes);
    }

    private sealed class FeedTimes
    {
        public string Name { get; set; } = "";
        public DateTimeOffset LastCheckedAt { get; set; }
        public DateTimeOffset NextCheckAt { get; set; }
    }
}
