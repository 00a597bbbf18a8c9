using System.Net;
using System.Text.Json.Nodes;
using Aggregator.Storage;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Notifications;

/// <summary>The adversarial case of issue 14, end to end: a 1.1 MB feed whose item's summary is &lt;div&gt;
/// nested 100,000 times, polled by the real executable, alerts by email through aiosmtpd with the plain-text
/// summary, within the notifier's 10 s budget (a delivery over it is dead-lettered, not delivered).
/// Before, building that email took about 250 s.</summary>
public abstract class DeepEntryEndToEndTests(StorageProvider provider) : IAsyncLifetime
{
    /// <summary>These tests on a SQLite file.</summary>
    public sealed class OnSqlite() : DeepEntryEndToEndTests(StorageProvider.Sqlite);

    /// <summary>These tests on a PostgreSQL database of their own.</summary>
    public sealed class OnPostgres() : DeepEntryEndToEndTests(StorageProvider.Postgres);

    private ContentRoot _root = null!;
    private FeedServer _feeds = null!;
    private SmtpServer _smtp = null!;

    public async ValueTask InitializeAsync()
    {
        _root = await ContentRoot.CreateAsync(provider);
        _feeds = await FeedServer.StartAsync();
        _smtp = await SmtpServer.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _smtp.DisposeAsync();
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task AnEntryWithAHundredThousandNestedDivsArrivesAsAnEmailWithItsPlainTextSummary()
    {
        var deep = string.Concat(Enumerable.Repeat("<div>", 100_000)) + "Hezbollah and Russia signed a deal.";
        var feed = $"""
            <?xml version="1.0" encoding="utf-8"?>
            <rss version="2.0"><channel><title>Deep</title><link>https://example.com/</link><description>d</description>
            <item><guid isPermaLink="false">deep-1</guid><title>Hezbollah deep item</title><link>https://example.com/deep</link>
            <description>{WebUtility.HtmlEncode(deep)}</description></item>
            </channel></rss>
            """;
        Assert.True(feed.Length > 1_000_000);
        _feeds.Serve("/deep.xml", feed);
        _root.WriteSettings(
            notifiers: new JsonObject
            {
                ["email"] = new JsonObject
                {
                    ["Type"] = "smtp", ["Host"] = _smtp.Host, ["Port"] = _smtp.Port, ["Security"] = "none",
                    ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"), ["Timeout"] = "00:00:10",
                },
            },
            aggregator: new JsonObject { ["Polling"] = new JsonObject { ["AlertOnFirstPoll"] = true } });
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Deep", "url": "{{_feeds.Url("/deep.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "Hezbollah" } ] }""");

        var poll = await AggregatorProcess.RunAsync(_root.Path, "poll");

        Assert.True(poll.ExitCode == 0, poll.StdErr);
        Assert.Contains("delivered 1, retrying 0, dead-lettered 0", poll.StdOut);
        var message = Assert.Single(await _smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Contains("<p style=\"white-space: pre-wrap\"><mark>Hezbollah</mark> and Russia signed a deal.</p>", message.HtmlBody);
        Assert.DoesNotContain("<div><div>", message.HtmlBody);
        Assert.Contains("Hezbollah and Russia signed a deal.", message.TextBody);
    }
}
