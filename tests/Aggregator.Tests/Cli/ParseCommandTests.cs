using System.IO.Compression;
using System.Text.Json.Nodes;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Cli;

/// <summary>`aggregator parse URL` fetches as `poll` does: the same size cap, redirect rules and limits, and one bad
/// source never costs the others.</summary>
[Trait("Category", "EndToEnd")] // the real executable
public sealed class ParseCommandTests : IAsyncLifetime
{
    private readonly ContentRoot _root = new();
    private FeedServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FeedServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _root.Dispose();
    }

    private static byte[] GzipOfZeros(int megabytes)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize))
        {
            var zeros = new byte[1024 * 1024];
            for (var i = 0; i < megabytes; i++) gzip.Write(zeros);
        }
        return buffer.ToArray();
    }

    [Fact]
    public async Task AGzipBombARedirectToAFileAndARedirectLoopAreEachAnErrorAndTheOtherSourcesAreStillParsed()
    {
        _root.WriteSettings(aggregator: new JsonObject { ["Polling"] = new JsonObject { ["MaxFeedBytes"] = 65536, ["MaxRedirects"] = 3 } });
        var bomb = GzipOfZeros(200);
        _server.Handle("/bomb.xml", async context =>
        {
            context.Response.Headers.ContentEncoding = "gzip";
            context.Response.ContentType = "application/rss+xml";
            await context.Response.Body.WriteAsync(bomb);
        });
        _server.Handle("/to-file.xml", context => { context.Response.StatusCode = 302; context.Response.Headers.Location = "file:///etc/passwd"; return Task.CompletedTask; });
        _server.Handle("/loop.xml", context => { context.Response.StatusCode = 302; context.Response.Headers.Location = "/loop.xml"; return Task.CompletedTask; });
        _server.Serve("/good.xml", Rss.Feed("Good", new Rss.Item("g1", "Fetched fine")));
        var file = Path.Combine(_root.Path, "local.xml");
        File.WriteAllText(file, Rss.Feed("Local", new Rss.Item("l1", "Read from disk")));

        var result = await AggregatorProcess.RunAsync(_root.Path, "parse", "--json",
            _server.Url("/bomb.xml").ToString(), _server.Url("/to-file.xml").ToString(), _server.Url("/loop.xml").ToString(),
            file, _server.Url("/good.xml").ToString());

        Assert.Equal(1, result.ExitCode);
        var lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToArray();
        Assert.Equal(5, lines.Length);
        Assert.Contains("Aggregator:Polling:MaxFeedBytes", lines[0]["error"]!.GetValue<string>());
        Assert.Equal("redirected to file:///etc/passwd, which is not an http(s) URL; a feed is only fetched over http(s)", lines[1]["error"]!.GetValue<string>());
        Assert.StartsWith("more than 3 redirects", lines[2]["error"]!.GetValue<string>());
        Assert.Equal("Read from disk", lines[3]["entries"]![0]!["title"]!.GetValue<string>());
        Assert.Equal("Fetched fine", lines[4]["entries"]![0]!["title"]!.GetValue<string>());
        Assert.Equal(4, _server.Requests.Count(r => r.Path == "/loop.xml"));
        Assert.DoesNotContain("Unhandled", result.StdErr);
    }
}
