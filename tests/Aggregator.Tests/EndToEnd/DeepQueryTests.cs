using Aggregator.Tests.Support;

namespace Aggregator.Tests.EndToEnd;

/// <summary>Issue 14 through the real executable: a query nested thousands deep overflowed the stack, which kills the
/// process outright (exit 134, "Stack overflow", no handler runs) in `run`, `search` and `rules test` alike.</summary>
public sealed class DeepQueryTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;

    public async ValueTask InitializeAsync() => _feeds = await FeedServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private Task<AggregatorProcess.Result> Run(params string[] args) => AggregatorProcess.RunAsync(_root.Path, args);

    [Fact]
    public async Task AQueryNestedThousandsDeepIsAnErrorInEveryCommandNotACrash()
    {
        _root.WriteSettings();
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" } ] }""");
        _root.WriteRules("""{ "rules": [] }""");
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a", "Iran talks")));
        Assert.Equal(0, (await Run("poll")).ExitCode);

        // One argument may be 128 KiB on Linux: 100,000 levels without their closing parentheses.
        var search = await Run("search", new string('(', 100_000) + "iran");
        Assert.Equal(2, search.ExitCode);
        Assert.Contains("query of 100,004 characters is longer than 10,000 at column 10001", search.StdErr);

        var backtest = await Run("rules", "test", new string('(', 8_000) + "iran" + new string(')', 8_000));
        Assert.Equal(2, backtest.ExitCode);
        Assert.Contains("query of 16,004 characters is longer than 10,000", backtest.StdErr);
        var notChain = await Run("search", string.Concat(Enumerable.Repeat("-", 8_000)) + "iran");
        Assert.Equal(2, notChain.ExitCode);
        Assert.Contains("NOT and - nested deeper than 64 at column 65", notChain.StdErr);

        // In rules.json the service would not start (nor would `run` or `poll`), with the rule named.
        _root.WriteRules($$"""
            { "rules": [
              { "name": "deep", "query": "{{new string('(', 8_000)}}iran" },
              { "name": "deeper", "query": "{{new string('(', 100_000)}}iran{{new string(')', 100_000)}}" }
            ] }
            """);
        var poll = await Run("poll");
        Assert.Equal(2, poll.ExitCode);
        Assert.Contains("config/rules.json line 2: rule \"deep\": \"query\": parentheses nested deeper than 64 at column 65", poll.StdErr);
        Assert.Contains("config/rules.json line 3: rule \"deeper\": \"query\": query of 200,004 characters is longer than 10,000", poll.StdErr);
        Assert.DoesNotContain("Stack overflow", poll.StdErr);
    }
}
