using Aggregator.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`poll` from cron keeps the service's promises: a server that asked us to wait (429/503 with Retry-After) is
/// not asked again before then, and `poll` says which feed and until when; --force polls it anyway.</summary>
public sealed class PoliteCronPollTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;

    public async ValueTask InitializeAsync()
    {
        _feeds = await FeedServer.StartAsync();
        _root.WriteSettings();
        _root.WriteFeeds($$"""
            { "feeds": [
              { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" },
              { "name": "Busy",  "url": "{{_feeds.Url("/busy.xml")}}" }
            ] }
            """);
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "News")));
    }

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    private int BusyRequests => _feeds.Requests.Count(r => r.Path == "/busy.xml");

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task AServerThatAskedUsToWaitIsNotAskedAgainBeforeThenUnlessForced(int status)
    {
        _feeds.Handle("/busy.xml", context =>
        {
            context.Response.StatusCode = status;
            context.Response.Headers.RetryAfter = "3600";
            return Task.CompletedTask;
        });

        var first = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(1, first.ExitCode);
        Assert.Equal(1, BusyRequests);

        var second = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(1, BusyRequests);
        Assert.Matches($@"wait  Busy  {status} until \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\dZ, as its server asked \(Retry-After\); not polled \(--force polls it anyway\)", second.StdOut);
        Assert.Contains("ok    Alpha", second.StdOut);
        var until = DateTimeOffset.Parse(System.Text.RegularExpressions.Regex.Match(second.StdOut, @"until (\S+ \S+)Z").Groups[1].Value + "Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(until - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(61));

        // Named, the feed still waits; forced, it is asked.
        Assert.Contains("wait  Busy", (await AggregatorProcess.RunAsync(_root.Path, "poll", "--feed", "Busy")).StdOut);
        Assert.Equal(1, BusyRequests);
        var forced = await AggregatorProcess.RunAsync(_root.Path, "poll", "--force");
        Assert.Equal(2, BusyRequests);
        Assert.Contains($"FAIL  Busy", forced.StdOut);
    }

    [Fact]
    public async Task OnceTheServerAnswersAgainTheWaitIsOver()
    {
        _feeds.Handle("/busy.xml", context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers.RetryAfter = "3600";
            return Task.CompletedTask;
        });
        await AggregatorProcess.RunAsync(_root.Path, "poll");
        _feeds.Handle("/busy.xml", async context =>
        {
            context.Response.ContentType = "application/rss+xml";
            await context.Response.WriteAsync(Rss.Feed("Busy", new Rss.Item("b1", "Back")));
        });
        await AggregatorProcess.RunAsync(_root.Path, "poll", "--force");
        var after = await AggregatorProcess.RunAsync(_root.Path, "poll");
        Assert.Equal(0, after.ExitCode);
        Assert.DoesNotContain("wait  Busy", after.StdOut);
        Assert.Equal(3, BusyRequests);
    }
}
