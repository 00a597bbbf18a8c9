using Aggregator.Configuration;
using Aggregator.Notifications;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Tests.Notifications;

/// <summary>Digest periods, their stable ids, and what each webhook format makes of a digest.</summary>
public sealed class DigestTests : IAsyncLifetime
{
    private readonly HttpClient _http = new();
    private WebhookReceiver _receiver = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _receiver.DisposeAsync();
    }

    private static readonly DigestPeriod Hour = new("ukraine-energy", new DateTimeOffset(2025, 5, 1, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 5, 1, 13, 0, 0, TimeSpan.Zero));

    private static Digest Sample(int count = 3) => new("digest-1", "chat", Hour,
        [.. Enumerable.Range(1, count).Select(i => AlertSamples.Typical($"dlv-{i}") with { Title = $"Item {i} about Ukraine", Link = $"https://example.org/{i}" })]);

    [Theory]
    [InlineData("2025-05-01T12:00:00Z", "1h", "2025-05-01T12:00:00Z", "2025-05-01T13:00:00Z")]
    [InlineData("2025-05-01T12:59:59.999Z", "1h", "2025-05-01T12:00:00Z", "2025-05-01T13:00:00Z")]
    [InlineData("2025-05-01T13:00:00Z", "1h", "2025-05-01T13:00:00Z", "2025-05-01T14:00:00Z")]
    [InlineData("2025-05-01T23:30:00+02:00", "1d", "2025-05-01T00:00:00Z", "2025-05-02T00:00:00Z")]
    [InlineData("2025-05-01T12:07:00Z", "15m", "2025-05-01T12:00:00Z", "2025-05-01T12:15:00Z")]
    public void PeriodsAreAlignedToUtcWhateverTheClockReads(string at, string length, string start, string end)
    {
        Assert.True(Duration.TryParse(length, out var span));
        var period = DigestPeriod.Containing("r", span, DateTimeOffset.Parse(at, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture), period.Start);
        Assert.Equal(DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture), period.End);
    }

    [Fact]
    public void TheKeyIsAReadableIntervalAndReadsBackWithRuleNamesThatHaveSpaces()
    {
        var period = Hour with { Rule = "Iran / Russia watch" };
        Assert.Equal("2025-05-01T12:00:00Z/2025-05-01T13:00:00Z Iran / Russia watch", period.Key);
        Assert.Equal(period, DigestPeriod.Parse(period.Key));
    }

    [Theory]
    // A daily 08:00 London digest across the March change: 23 hours long, 08:00 at both ends.
    [InlineData("2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "Europe/London", "1 match, 2026-03-28 08:00 to 2026-03-29 08:00 Europe/London")]
    [InlineData("2026-07-01T04:00:00Z", "2026-07-02T04:00:00Z", "Asia/Tehran", "1 match, 2026-07-01 07:30 to 2026-07-02 07:30 Asia/Tehran")]
    [InlineData("2026-07-01T04:00:00Z", "2026-07-02T04:00:00Z", "Etc/UTC", "1 match, 2026-07-01 04:00 UTC to 2026-07-02 04:00 UTC")]
    [InlineData("2026-07-01T04:00:00Z", "2026-07-02T04:00:00Z", null, "1 match, 2026-07-01 04:00 UTC to 2026-07-02 04:00 UTC")]
    public void TheSummaryShowsThePeriodInTheZoneTheAlertsWereQueuedIn(string start, string end, string? zone, string summary)
    {
        var period = new DigestPeriod("r", DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(end, System.Globalization.CultureInfo.InvariantCulture));
        var digest = new Digest("digest-1", "email", period, [AlertSamples.Typical("dlv-1") with { TimeZone = zone }]);
        Assert.Equal(summary, digest.Summary);
    }

    [Fact]
    public void TheIdIsStableForTheSameAlertsInAnyOrderAndChangesWithThem()
    {
        var id = Digest.IdFor("email", Hour, ["a", "b", "c"]);
        Assert.Equal(id, Digest.IdFor("email", Hour, ["c", "a", "b"]));
        Assert.NotEqual(id, Digest.IdFor("email", Hour, ["a", "b"]));
        Assert.NotEqual(id, Digest.IdFor("ops", Hour, ["a", "b", "c"]));
        Assert.StartsWith("digest-", id);
    }

    private async Task<ReceivedRequest> SendAsync(string format, Digest digest)
    {
        var options = new NotifierOptions { Type = "webhook", Url = _receiver.Url, Format = format, Secret = "s" };
        var outcome = await new WebhookNotifier("chat", options, _http, TimeProvider.System, NullLogger<WebhookNotifier>.Instance)
            .SendDigestAsync(digest, Ct);
        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        var request = Assert.Single(await _receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Equal(digest.DeliveryId, request.Header("X-Aggregator-Delivery"));
        Assert.NotNull(request.Header("X-Aggregator-Signature"));
        return request;
    }

    [Fact]
    public async Task TheGenericDigestCarriesThePeriodAndEachAlertInTheSingleAlertShape()
    {
        var json = (await SendAsync("generic", Sample())).Json();
        Assert.Equal("ukraine-energy", json.GetProperty("rule").GetString());
        Assert.Equal("2025-05-01T12:00:00Z", json.GetProperty("digest").GetProperty("start").GetString());
        Assert.Equal("2025-05-01T13:00:00Z", json.GetProperty("digest").GetProperty("end").GetString());
        Assert.Equal(3, json.GetProperty("digest").GetProperty("count").GetInt32());
        var alerts = json.GetProperty("alerts").EnumerateArray().ToArray();
        Assert.Equal(["dlv-1", "dlv-2", "dlv-3"], alerts.Select(a => a.GetProperty("deliveryId").GetString()));
        var single = WebhookBody.Generic(Sample().Alerts[0]);
        Assert.Equal(System.Text.Json.JsonDocument.Parse(single.Content).RootElement.GetRawText(), alerts[0].GetRawText());
    }

    [Fact]
    public async Task SlackListsEveryItemAsALink()
    {
        var text = (await SendAsync("slack", Sample())).Json().GetProperty("text").GetString()!;
        Assert.StartsWith("*[ukraine-energy]* 3 matches, 2025-05-01 12:00 UTC to 2025-05-01 13:00 UTC", text);
        Assert.Contains("\n• <https://example.org/2|Item 2 about Ukraine> — ISW", text);
    }

    [Fact]
    public async Task DiscordStaysUnderItsLimitOnALongDigest()
    {
        var json = (await SendAsync("discord", Sample(80))).Json();
        var content = json.GetProperty("content").GetString()!;
        Assert.True(content.Length <= 2000, $"{content.Length} characters");
        Assert.StartsWith("**[ukraine-energy]** 80 matches", content);
        Assert.EndsWith("…", content);
    }

    [Fact]
    public async Task TeamsGetsOneCardListingTheItems()
    {
        var card = (await SendAsync("teams", Sample(2))).Json().GetProperty("attachments")[0].GetProperty("content");
        var texts = card.GetProperty("body").EnumerateArray().Select(b => b.GetProperty("text").GetString()).ToArray();
        Assert.Equal(@"\[ukraine-energy\] 2 matches, 2025-05-01 12:00 UTC to 2025-05-01 13:00 UTC", texts[0]);
        Assert.Contains("[Item 2 about Ukraine](https://example.org/2)", texts);
    }

    [Fact]
    public async Task NtfyGetsTheCountInTheTitleAndOneLinePerItem()
    {
        var ntfy = await SendAsync("ntfy", Sample(2));
        Assert.Equal("[ukraine-energy] 2 matches, 2025-05-01 12:00 UTC to 2025-05-01 13:00 UTC", ntfy.Header("Title"));
        Assert.Equal("• Item 1 about Ukraine\n  https://example.org/1\n• Item 2 about Ukraine\n  https://example.org/2\n", ntfy.BodyText);
    }
}
