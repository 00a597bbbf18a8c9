using System.Text.Json;
using System.Text.Json.Nodes;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.EndToEnd;

/// <summary>One term across scripts and spellings, through the real executable: entries stored by a poll of a
/// loopback feed into a real SQLite file, then `search`, `rules test` and alerts (aiosmtpd, webhook receiver).</summary>
public sealed class MultilingualTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;
    private SmtpServer _smtp = null!;
    private WebhookReceiver _webhook = null!;

    private const string Terms = """
        "terms": {
          "hezbollah": ["Hezbollah", "Hizballah", "Хезболл*", "حزب الله"],
          "iran": ["Iran", "إيران"]
        }
        """;

    private static readonly DateTimeOffset Day = new(2026, 11, 20, 8, 0, 0, TimeSpan.Zero);

    // Newest first, as a feed lists them.
    private static readonly Rss.Item[] Items =
    [
        new("fa", "سفر به ایران", "", Day.AddHours(5)),
        new("ar", "محادثات بين روسيا وإيران", "", Day.AddHours(4)),
        new("ru", "Позиции Хезболлы", "", Day.AddHours(3)),
        new("en", "Hizballah statement", "", Day.AddHours(2)),
        new("other", "Weather report", "", Day.AddHours(1)),
    ];

    public async ValueTask InitializeAsync()
    {
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

    private void Configure(JsonObject? notifiers = null)
    {
        _root.WriteSettings(notifiers: notifiers);
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules($$"""{ {{Terms}}, "rules": [ { "name": "hez", "query": "@hezbollah" } ] }""");
    }

    private Task<AggregatorProcess.Result> Run(params string[] args) => AggregatorProcess.RunAsync(_root.Path, args);

    private static List<JsonNode> Lines(AggregatorProcess.Result result)
    {
        Assert.True(result.ExitCode == 0, result.StdOut + result.StdErr);
        return [.. result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!)];
    }

    private static List<string> MatchedTerms(JsonNode hit) => [.. hit["matchedTerms"]!.AsArray().Select(t => t!.GetValue<string>())];

    [Fact]
    public async Task SearchAndRulesTestFindATermInEveryScriptAndSpellingWithTermLists()
    {
        Configure();
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", Items));
        Assert.Equal(0, (await Run("poll")).ExitCode);

        // Arabic with and without hamza, with the attached "and"; Persian with its own yeh.
        foreach (var query in new[] { "إيران", "ايران", "ایران" })
        {
            var hits = Lines(await Run("search", query, "--json"));
            Assert.Equal(["fa", "ar"], hits.Select(h => h["guid"]!.GetValue<string>()));
        }

        // A term list, named with @ on the command line (no response file), reports the spelling that hit.
        var listed = Lines(await Run("search", "@hezbollah", "--json"));
        Assert.Equal(["ru", "en"], listed.Select(h => h["guid"]!.GetValue<string>()));
        Assert.Equal(["Хезболл*"], MatchedTerms(listed[0]));
        Assert.Equal(["Hizballah"], MatchedTerms(listed[1]));
        Assert.Equal(["ru"], Lines(await Run("search", "Хезболл*", "--json")).Select(h => h["guid"]!.GetValue<string>()));

        var backtest = Lines(await Run("rules", "test", "@hezbollah OR @iran", "--since", "3650d", "--json"))[0];
        Assert.Equal((5, 4), (backtest["scanned"]!.GetValue<int>(), backtest["matched"]!.GetValue<int>()));
        var byName = Lines(await Run("rules", "test", "hez", "--since", "3650d", "--json"))[0];
        Assert.Equal(2, byName["matched"]!.GetValue<int>());
        var text = await Run("rules", "test", "إيران", "--since", "3650d");
        Assert.Contains("2 of 5 entries since", text.StdOut);
        Assert.Contains("محادثات بين روسيا وإيران  [إيران]", text.StdOut);

        var unknown = await Run("search", "@hezbolah");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("unknown term list '@hezbolah' at column 1 (lists in rules.json: hezbollah, iran)", unknown.StdErr);
        var unknownInBacktest = await Run("rules", "test", "russia @irgc");
        Assert.Equal(2, unknownInBacktest.ExitCode);
        Assert.Contains("unknown term list '@irgc' at column 8", unknownInBacktest.StdErr);
    }

    [Fact]
    public async Task AlertsAndTheMatchRecordSayWhichSpellingHitAndTheEmailMarksTheWordAsWritten()
    {
        Configure(new JsonObject
        {
            ["email"] = new JsonObject
            {
                ["Type"] = "smtp", ["Host"] = _smtp.Host, ["Port"] = _smtp.Port, ["Security"] = "none",
                ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"),
            },
            ["ops"] = new JsonObject { ["Type"] = "webhook", ["Url"] = _webhook.Url },
        });
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", Items[^1]));
        Assert.Equal(0, (await Run("poll")).ExitCode); // the first poll stores the backlog without alerting
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", Items));
        var poll = await Run("poll");
        Assert.True(poll.ExitCode == 0, poll.StdOut + poll.StdErr);

        var hooks = await _webhook.WaitForRequestsAsync(2, TimeSpan.FromSeconds(20));
        var terms = hooks.Select(h => JsonNode.Parse(h.BodyText)!).ToDictionary(b => b["entry"]!["id"]!.GetValue<string>(), b => string.Join("|", MatchedTerms(b)));
        Assert.Equal("Хезболл*", terms["ru"]);
        Assert.Equal("Hizballah", terms["en"]);

        var mails = await _smtp.WaitForMessagesAsync(2, TimeSpan.FromSeconds(20));
        Assert.Contains(mails, m => m.HtmlBody!.Contains("<mark>Хезболлы</mark>", StringComparison.Ordinal));
        Assert.Contains(mails, m => m.HtmlBody!.Contains("<mark>Hizballah</mark>", StringComparison.Ordinal));

        await using var connection = new SqliteConnection($"Data Source={_root.DatabasePath};Mode=ReadOnly");
        var recorded = (await connection.QueryAsync<string>("SELECT m.terms FROM matches m JOIN entries e ON e.id = m.entry_id ORDER BY e.guid"))
            .Select(t => string.Join("|", JsonSerializer.Deserialize<string[]>(t)!));
        Assert.Equal(["Hizballah", "Хезболл*"], recorded);
    }
}
