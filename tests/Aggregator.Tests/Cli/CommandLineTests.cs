using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Aggregator.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace Aggregator.Tests.Cli;

/// <summary>The edges of the command line, through the real executable: what a mistyped command, a missing secret, a
/// damaged or locked database gets (one sentence, the exit code the README gives, never a stack trace), and what the
/// output looks like to a script.</summary>
[Trait("Category", "EndToEnd")]
public sealed partial class CommandLineTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;

    public async ValueTask InitializeAsync()
    {
        _feeds = await FeedServer.StartAsync();
        _root.WriteSettings();
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "hezbollah-russia", "query": "Hezbollah AND Russia" } ] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "Hezbollah and Russia meet", "in Damascus")));
    }

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private Task<AggregatorProcess.Result> Run(params string[] args) => AggregatorProcess.RunAsync(_root.Path, args);

    /// <summary>One line on stderr, no exception or stack trace.</summary>
    private static void OneSentence(AggregatorProcess.Result result)
    {
        Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("Exception", result.StdErr);
        Assert.DoesNotContain("   at ", result.StdErr);
    }

    [Fact]
    public async Task AContentRootThatDoesNotExistGetsOneLineAndExitCode2()
    {
        var missing = Path.Combine(_root.Path, "no-such-folder");
        var result = await AggregatorProcess.RunAsync(missing, "status");
        Assert.Equal(2, result.ExitCode);
        OneSentence(result);
        Assert.Contains($"--contentRoot {missing}: no such folder", result.StdErr);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public async Task CommandsThatOnlyReadRunWithoutTheSmtpPasswordWhilePollRefusesNamingItsVariable()
    {
        const string Variable = "AGGREGATOR_TEST_UNSET_SMTP_PASSWORD";
        _root.WriteSettings(notifiers: new JsonObject
        {
            ["email"] = new JsonObject
            {
                ["Type"] = "smtp", ["Host"] = "127.0.0.1", ["Port"] = 25, ["Username"] = "alerts", ["PasswordEnvironmentVariable"] = Variable,
                ["From"] = "a@example.test", ["To"] = new JsonArray("b@example.test"),
            },
        });
        Task<AggregatorProcess.Result> Without(params string[] args)
        {
            var info = AggregatorProcess.StartInfo(_root.Path, args);
            info.Environment.Remove(Variable);
            return AggregatorProcess.RunAsync(info);
        }

        foreach (var command in new[] { new[] { "status" }, ["entries"], ["search", "Hezbollah"], ["outbox"], ["rules", "test", "hezbollah-russia"] })
        {
            var read = await Without(command);
            Assert.True(read.ExitCode == 0, $"{string.Join(' ', command)}: exit {read.ExitCode}: {read.StdErr}");
        }
        var poll = await Without("poll");
        Assert.Equal(2, poll.ExitCode);
        Assert.Contains($"Notifiers:email:PasswordEnvironmentVariable names '{Variable}', which is not set in the environment", poll.StdErr);
        Assert.Empty(_feeds.Requests); // refused before any feed was fetched
    }

    [Fact]
    public async Task AMisspeltRuleNameGetsDidYouMeanAndQueryTestsTheTextAsAQuery()
    {
        Assert.Equal(0, (await Run("poll")).ExitCode);

        var misspelt = await Run("rules", "test", "hezbolah-russia");
        Assert.Equal(2, misspelt.ExitCode);
        OneSentence(misspelt);
        Assert.Contains("No rule named \"hezbolah-russia\" in config/rules.json; did you mean \"hezbollah-russia\"?", misspelt.StdErr);

        var query = await Run("rules", "test", "hezbolah-russia", "--query", "--since", "3650d");
        Assert.True(query.ExitCode == 0, query.StdErr);
        Assert.Contains("(query): hezbolah-russia", query.StdOut);
        Assert.Contains("0 of 1 entries since", query.StdOut);
    }

    [Fact]
    public async Task HealthAlertSettingsAreCheckedBesideTheListenersOnesEachErrorNamingItsKey()
    {
        _root.WriteSettings(notifiers: new JsonObject { ["ops"] = new JsonObject { ["Type"] = "console" } }, aggregator: new JsonObject
        {
            ["Health"] = new JsonObject
            {
                ["Enabled"] = false, ["Notify"] = new JsonArray("ops", "pager"), ["FailingPolls"] = 0, ["SilentFactor"] = 0.5,
                ["NotifierFailingFor"] = "10s", ["Notfiy"] = "ops",
            },
        });
        var result = await Run("status");
        Assert.Equal(2, result.ExitCode);
        Assert.DoesNotContain("Exception", result.StdErr);
        Assert.Contains("Aggregator:Health:Notify names \"pager\", which is not a notifier; use one of ops", result.StdErr);
        Assert.Contains("Aggregator:Health:FailingPolls is 0; it must be between 1 and 1000", result.StdErr);
        Assert.Contains("Aggregator:Health:SilentFactor is 0.5; it must be between 1 and 1000", result.StdErr);
        Assert.Contains("Aggregator:Health:NotifierFailingFor is 00:00:10; it must be between 1 minute and 30 days", result.StdErr);
        Assert.Contains("unknown key \"Notfiy\" in Aggregator:Health; did you mean \"Notify\"?", result.StdErr);
        Assert.DoesNotContain("\"Enabled\"", result.StdErr); // the listener's key, in the same section
    }

    [Theory]
    [InlineData("status", "--colour")]
    [InlineData("entries", "--limit", "-5")]
    [InlineData("entries", "--limit", "0")]
    [InlineData("search", "Hezbollah", "--limit", "0")]
    [InlineData("outbox", "--limit", "-5")]
    [InlineData("poll", "extra")]
    public async Task AUsageErrorExitsWith2AndPointsToHelp(params string[] args)
    {
        var result = await Run(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Add --help to see the usage.", result.StdErr);
        Assert.DoesNotContain("Exception", result.StdErr);
        Assert.Empty(_feeds.Requests);
    }

    [Theory]
    [InlineData("entries", "--since", "99999999999d")]
    [InlineData("search", "Hezbollah", "--since", "99999999999d")]
    [InlineData("rules", "test", "hezbollah-russia", "--since", "99999999999d")]
    [InlineData("entries", "--since", "soon")]
    public async Task ASinceThatIsNoDurationExitsWith2AndSaysWhatADurationIs(params string[] args)
    {
        var result = await Run(args);
        Assert.Equal(2, result.ExitCode);
        OneSentence(result);
        Assert.Contains("--since must be a duration like 15m, 2h, 1d or 00:15:00 (at most 3650d)", result.StdErr);
    }

    [Fact]
    public async Task DurationsLike45mWorkInAppsettingsJsonAndInAnEnvironmentVariable()
    {
        async Task<double> MinutesToNextPoll(params (string Name, string Value)[] environment)
        {
            var poll = AggregatorProcess.StartInfo(_root.Path, "poll");
            foreach (var (name, value) in environment) poll.Environment[name] = value;
            var polled = await AggregatorProcess.RunAsync(poll);
            Assert.True(polled.ExitCode == 0, polled.StdErr);
            var status = JsonNode.Parse((await Run("status", "--json")).StdOut)!;
            return (DateTimeOffset.Parse(status["nextCheckAt"]!.GetValue<string>()) - DateTimeOffset.Parse(status["lastCheckedAt"]!.GetValue<string>())).TotalMinutes;
        }

        _root.WriteSettings(aggregator: new JsonObject { ["Polling"] = new JsonObject { ["Interval"] = "45m" } });
        Assert.InRange(await MinutesToNextPoll(), 45, 45 * 1.1); // plus up to 10% jitter
        Assert.InRange(await MinutesToNextPoll(("Aggregator__Polling__Interval", "2h")), 120, 120 * 1.1);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("entries")]
    [InlineData("search", "Hezbollah")]
    public async Task ADamagedDatabaseGetsOneSentenceWithTheFixAndExitCode1(params string[] args)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_root.DatabasePath)!);
        await File.WriteAllBytesAsync(_root.DatabasePath, [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7919 % 251))], TestContext.Current.CancellationToken);

        var result = await Run(args);
        Assert.Equal(1, result.ExitCode);
        OneSentence(result);
        Assert.Contains($"The database {_root.DatabasePath} is damaged or is not an Aggregator database", result.StdErr);
        Assert.Contains("restore it from a backup, or move it away to start afresh", result.StdErr);
    }

    [Fact]
    public async Task ADatabaseAnotherProgramHoldsLockedGetsTheLockedHintNotOneAboutPermissions()
    {
        Assert.Equal(0, (await Run("poll")).ExitCode);
        // Another program (an sqlite3 session, a backup tool) in the middle of a write transaction. The command waits the
        // 30 s SQLite's busy timeout allows, then says so.
        await using var other = new SqliteConnection($"Data Source={_root.DatabasePath};Pooling=False");
        await other.OpenAsync(TestContext.Current.CancellationToken);
        await using var transaction = other.BeginTransaction(deferred: false);
        await using (var update = new SqliteCommand("UPDATE feeds SET title = 'held'", other, transaction))
            await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);

        var result = await Run("status");
        Assert.Equal(1, result.ExitCode);
        OneSentence(result);
        Assert.Contains($"The database {_root.DatabasePath} is locked: another program has held a write transaction on it", result.StdErr);
        Assert.DoesNotContain("permission", result.StdErr);
    }

    [Fact]
    public async Task JsonOutputWritesTimesAsIsoUtcWithAZLikeTheDatabase()
    {
        Assert.Equal(0, (await Run("poll")).ExitCode);
        var feed = JsonNode.Parse((await Run("status", "--json")).StdOut)!;
        foreach (var key in new[] { "lastCheckedAt", "lastSuccessAt", "nextCheckAt" })
            Assert.Matches(IsoUtc(), feed[key]!.GetValue<string>());
        var entry = JsonNode.Parse((await Run("entries", "--json")).StdOut)!;
        Assert.Equal("2026-11-01T08:00:00Z", entry["published"]!.GetValue<string>());
        Assert.Matches(IsoUtc(), entry["fetchedAt"]!.GetValue<string>());
    }

    [Fact]
    public async Task TheUserAgentCarriesTheVersionThatVersionPrints()
    {
        var version = (await AggregatorProcess.RunAsync(contentRoot: null, "--version")).StdOut.Trim();
        Assert.Matches(@"^\d+\.\d+\.\d+", version);
        Assert.Equal(0, (await Run("poll")).ExitCode);
        var request = Assert.Single(_feeds.Requests);
        Assert.Equal($"Aggregator/{version.Split('+')[0]} (feed monitor; +https://github.com/aggregator-feed-monitor/aggregator)", request.UserAgent);
    }

    [Fact]
    public async Task PollPrintsEachFeedsLineAsItFinishesAndEachFailureOnce()
    {
        _root.WriteFeeds($$"""
            { "feeds": [
              { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" },
              { "name": "Broken", "url": "{{_feeds.Url("/broken.xml")}}" },
              { "name": "Slow", "url": "{{_feeds.Url("/slow.xml")}}" }
            ] }
            """);
        _feeds.Handle("/broken.xml", context => { context.Response.StatusCode = 500; return Task.CompletedTask; });
        ServiceProcess? poll = null;
        var printedBeforeSlowAnswered = false;
        // The slow feed answers once Alpha's line has been printed (or after 30 s, then the test fails): lines printed
        // only at the end of the cycle would come after it.
        _feeds.Handle("/slow.xml", async context =>
        {
            try
            {
                await poll!.WaitForOutputAsync("ok    Alpha", timeout: TimeSpan.FromSeconds(30));
                printedBeforeSlowAnswered = true;
            }
            catch (TimeoutException)
            {
            }
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Rss.Feed("Slow"));
        });

        await using (poll = ServiceProcess.StartCommand(_root.Path, null, "poll"))
        {
            Assert.Equal(1, await poll.WaitForExitAsync()); // a feed failed
            Assert.True(printedBeforeSlowAnswered, "Alpha's line was printed only after every feed had answered:\n" + poll.Output);
            Assert.Single(poll.Output.Split('\n'), line => line.StartsWith("FAIL  Broken", StringComparison.Ordinal) && line.Contains("HTTP 500", StringComparison.Ordinal));
            Assert.Single(poll.Output.Split('\n'), line => line.StartsWith("ok    Slow", StringComparison.Ordinal));
            Assert.DoesNotContain("Broken", poll.Log); // said once, on stdout: no warning on stderr repeats it
        }
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")]
    private static partial Regex IsoUtc();
}
