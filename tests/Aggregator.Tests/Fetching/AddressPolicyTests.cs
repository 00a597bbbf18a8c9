using System.Net;
using Aggregator.Fetching;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Fetching;

/// <summary>Where a feed may lead us: what feeds.json says is trusted, a stranger's redirect may not go further in,
/// and link-local addresses (cloud metadata) are refused unless allowed. A real public address cannot exist on this
/// machine, so one server listens on 127.0.0.2 and the policy is told to count that address as public.</summary>
public sealed class AddressPolicyTests : IAsyncLifetime
{
    private static readonly IPAddress StandInPublic = IPAddress.Parse("127.0.0.2");
    private FeedServer _inside = null!;   // 127.0.0.1: this machine
    private FeedServer _outside = null!;  // 127.0.0.2, counted as the internet

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AddressPolicy Policy(bool allowLinkLocal = false) =>
        new(allowLinkLocal, address => address.Equals(StandInPublic) ? AddressKind.Public : AddressPolicy.Standard(address));

    public async ValueTask InitializeAsync()
    {
        _inside = await FeedServer.StartAsync();
        _outside = await FeedServer.StartAsync(StandInPublic);
    }

    public async ValueTask DisposeAsync()
    {
        await _outside.DisposeAsync();
        await _inside.DisposeAsync();
    }

    private void RedirectOutside(string path, string location) =>
        _outside.Handle(path, context => { context.Response.StatusCode = 302; context.Response.Headers.Location = location; return Task.CompletedTask; });

    [Fact]
    public async Task APublicFeedThatRedirectsToThisMachineIsRefusedInWordsAndNothingInsideIsAsked()
    {
        _inside.Serve("/internal.xml", Rss.Feed("Internal"));
        RedirectOutside("/feed.xml", _inside.Url("/internal.xml").ToString());

        var result = await FeedFetcherTests.Fetcher(policy: Policy()).FetchAsync(_outside.Url("/feed.xml"), null, null, Ct);

        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.Contains("refused to connect to 127.0.0.1: a loopback address reached through a redirect from a public one", result.Error);
        Assert.Contains("put its URL in config/feeds.json", result.Error);
        Assert.Empty(_inside.Requests);
    }

    [Fact]
    public async Task AConnectionAlreadyOpenToAnInsideHostDoesNotLetARedirectThrough()
    {
        _inside.Serve("/internal.xml", Rss.Feed("Internal"));
        var fetcher = FeedFetcherTests.Fetcher(policy: Policy());
        Assert.Equal(FetchOutcome.Fetched, (await fetcher.FetchAsync(_inside.Url("/internal.xml"), null, null, Ct)).Outcome);
        RedirectOutside("/feed.xml", _inside.Url("/internal.xml").ToString());

        var result = await fetcher.FetchAsync(_outside.Url("/feed.xml"), null, null, Ct);

        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.Contains("reached through a redirect from a public one", result.Error);
        Assert.Single(_inside.Requests);
    }

    [Fact]
    public async Task AFeedOnThisMachineAsWrittenIsTrustedAndMayRedirectWithinIt()
    {
        _inside.Serve("/bridge.xml", Rss.Feed("Bridge"));
        _inside.Handle("/old.xml", context => { context.Response.StatusCode = 301; context.Response.Headers.Location = "/bridge.xml"; return Task.CompletedTask; });

        var result = await FeedFetcherTests.Fetcher(policy: Policy()).FetchAsync(new Uri($"http://localhost:{_inside.Url("/").Port}/old.xml"), null, null, Ct);

        Assert.Equal(FetchOutcome.Fetched, result.Outcome);
    }

    [Fact]
    public async Task APublicFeedMayRedirectToAnotherPublicOne()
    {
        _outside.Serve("/new.xml", Rss.Feed("New"));
        RedirectOutside("/feed.xml", "/new.xml");

        var result = await FeedFetcherTests.Fetcher(policy: Policy()).FetchAsync(_outside.Url("/feed.xml"), null, null, Ct);

        Assert.Equal(FetchOutcome.Fetched, result.Outcome);
    }

    [Fact]
    public async Task ALinkLocalAddressIsRefusedBeforeAnyConnectionUnlessAllowed()
    {
        var metadata = new Uri("http://169.254.169.254/latest/meta-data/");
        var refused = await FeedFetcherTests.Fetcher(policy: Policy()).FetchAsync(metadata, null, null, Ct);
        Assert.Equal(FetchOutcome.Failed, refused.Outcome);
        Assert.Equal("refused to connect to 169.254.169.254: a link-local address, where cloud metadata services answer; set Aggregator:Polling:AllowLinkLocal to true to allow it", refused.Error);

        var allowed = await FeedFetcherTests.Fetcher(new FetchOptions { AllowLinkLocal = true, Timeout = TimeSpan.FromSeconds(2) }, Policy(allowLinkLocal: true))
            .FetchAsync(metadata, null, null, Ct);
        Assert.DoesNotContain("refused to connect", allowed.Error ?? ""); // it was tried (whether anything answers there or not)
    }

    [Fact]
    public async Task ARedirectToALinkLocalAddressIsRefusedEvenFromThisMachine()
    {
        _inside.Handle("/feed.xml", context => { context.Response.StatusCode = 302; context.Response.Headers.Location = "http://169.254.169.254/"; return Task.CompletedTask; });

        var result = await FeedFetcherTests.Fetcher(policy: Policy()).FetchAsync(_inside.Url("/feed.xml"), null, null, Ct);

        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.StartsWith("redirected to http://169.254.169.254, refused to connect to 169.254.169.254: a link-local address", result.Error);
    }

    [Theory]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/feed.xml")]
    [InlineData("data:application/rss+xml;base64,PHJzcz48L3Jzcz4=")]
    [InlineData("gopher://example.com/1")]
    public async Task ARedirectToAnythingButHttpIsAFailureInWords(string location)
    {
        _inside.Handle("/feed.xml", context => { context.Response.StatusCode = 302; context.Response.Headers.Location = location; return Task.CompletedTask; });

        var result = await FeedFetcherTests.Fetcher().FetchAsync(_inside.Url("/feed.xml"), null, null, Ct);

        Assert.Equal(FetchOutcome.Failed, result.Outcome);
        Assert.Equal($"redirected to {location}, which is not an http(s) URL; a feed is only fetched over http(s)", result.Error);
    }

    [Theory]
    [InlineData("8.8.8.8", AddressKind.Public)]
    [InlineData("10.1.2.3", AddressKind.Private)]
    [InlineData("172.16.0.1", AddressKind.Private)]
    [InlineData("172.32.0.1", AddressKind.Public)]
    [InlineData("192.168.1.1", AddressKind.Private)]
    [InlineData("100.64.0.1", AddressKind.Private)]
    [InlineData("127.0.0.1", AddressKind.Loopback)]
    [InlineData("169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("0.0.0.0", AddressKind.Unusable)]
    [InlineData("224.0.0.1", AddressKind.Unusable)]
    [InlineData("::1", AddressKind.Loopback)]
    [InlineData("fe80::1", AddressKind.LinkLocal)]
    [InlineData("fd00::1", AddressKind.Private)]
    [InlineData("::ffff:169.254.169.254", AddressKind.LinkLocal)]
    [InlineData("2001:4860:4860::8888", AddressKind.Public)]
    public void AddressesAreClassifiedByTheStandardRanges(string address, AddressKind kind) =>
        Assert.Equal(kind, AddressPolicy.Standard(IPAddress.Parse(address)));
}
