using Aggregator.Notifications;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Tests.Notifications;

/// <summary>The chat formats, as the receiver sees them: the shapes Slack, Discord, Teams and ntfy accept.</summary>
public sealed class WebhookFormatTests : IAsyncLifetime
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

    private async Task<ReceivedRequest> SendAsync(string format, Alert alert)
    {
        var options = new NotifierOptions { Type = "webhook", Url = _receiver.Url, Format = format, Secret = "s" };
        var outcome = await new WebhookNotifier("chat", options, _http, TimeProvider.System, NullLogger<WebhookNotifier>.Instance)
            .SendAsync(alert, Ct);
        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        var request = Assert.Single(await _receiver.WaitForRequestsAsync(1, TimeSpan.FromSeconds(10)));
        Assert.NotNull(request.Header("X-Aggregator-Signature"));
        return request;
    }

    [Fact]
    public async Task SlackGetsMrkdwnTextWithALinkedTitleAndEscapedAngleBrackets()
    {
        var text = (await SendAsync("slack", AlertSamples.Typical())).Json().GetProperty("text").GetString();

        Assert.StartsWith("*[ukraine-energy]* <https://example.org/isw/2025/05/01/grid|Strikes on Ukraine's power grid &lt;update&gt;>\n", text);
        Assert.Contains("Feed: ISW · 2025-05-01 12:30 UTC · matched: Ukraine, energy", text);
        Assert.Contains("\n>Russian forces struck", text);
    }

    [Fact]
    public async Task DiscordGetsMarkdownContentThatCannotPingAnyone()
    {
        var json = (await SendAsync("discord", AlertSamples.Typical() with { Title = "@everyone look" })).Json();

        Assert.StartsWith("**[ukraine-energy]** [@everyone look](<https://example.org/isw/2025/05/01/grid>)", json.GetProperty("content").GetString());
        Assert.Equal(0, json.GetProperty("allowed_mentions").GetProperty("parse").GetArrayLength());
    }

    [Fact]
    public async Task TeamsGetsAnAdaptiveCardWithAnOpenEntryAction()
    {
        var json = (await SendAsync("teams", AlertSamples.Typical())).Json();

        var card = json.GetProperty("attachments")[0].GetProperty("content");
        Assert.Equal("AdaptiveCard", card.GetProperty("type").GetString());
        // Markdown characters are escaped: Teams renders Markdown in text blocks.
        Assert.Equal(@"\[ukraine-energy\] Strikes on Ukraine's power grid \<update\>", card.GetProperty("body")[0].GetProperty("text").GetString());
        Assert.Equal("https://example.org/isw/2025/05/01/grid", card.GetProperty("actions")[0].GetProperty("url").GetString());
    }

    [Fact]
    public async Task NtfyGetsPlainTextWithTitleTagsAndClickHeaders()
    {
        var request = await SendAsync("ntfy", AlertSamples.Typical());

        Assert.Equal("text/plain; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal("[ukraine-energy] Strikes on Ukraine's power grid <update>", request.Header("Title"));
        Assert.Equal("newspaper,ukraine-energy", request.Header("Tags"));
        Assert.Equal("https://example.org/isw/2025/05/01/grid", request.Header("Click"));
        Assert.StartsWith("Feed: ISW · 2025-05-01 12:30 UTC", request.BodyText);
    }

    [Fact]
    public async Task ANonAsciiNtfyTitleTravelsAsAnRfc2047EncodedWord()
    {
        var request = await SendAsync("ntfy", AlertSamples.Typical() with { Title = "Удари по енергетиці" });

        var title = request.Header("Title")!;
        Assert.StartsWith("=?UTF-8?B?", title);
        Assert.Equal("[ukraine-energy] Удари по енергетиці",
            System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(title["=?UTF-8?B?".Length..^2])));
    }

    [Fact]
    public async Task AJavascriptLinkFromAFeedIsNeverMadeClickable()
    {
        var request = await SendAsync("ntfy", AlertSamples.Typical() with { Link = "javascript:alert(1)" });

        Assert.Null(request.Header("Click"));
    }
}
