using System.Text;
using System.Text.Json;
using Aggregator.Notifications;
using Aggregator.Tests.Support;
using MimeKit;

namespace Aggregator.Tests.Notifications;

/// <summary>Every alert format shows only http(s) links and keeps single-line fields on one line, whatever a
/// hostile feed put in them: a javascript: or data: link, a CR/LF that would start a new line ("Injected:")
/// in the text part, a header or a chat message, Markdown that would make a link in a Teams card.</summary>
public sealed class AlertFormatSafetyTests
{
    public static TheoryData<string> UnsafeLinks() =>
    [
        "javascript:alert(1)",
        " JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "https://example.org/a\r\nInjected: link",
        "vbscript:msgbox(1)",
        "//evil.example/relative",
    ];

    private static Alert Hostile(string link) => AlertSamples.Typical() with
    {
        Link = link,
        Title = "Breaking\r\nInjected: title [click](https://evil.example/md)",
        Author = "Jane\nInjected: author",
        Feed = "ISW\r\nInjected: feed",
        Rule = "ukraine\nInjected: rule",
        EntryId = "entry-42\r\nInjected: id",
    };

    private static readonly MailboxAddress From = new("", "a@example.org");
    private static readonly MailboxAddress[] To = [new("", "b@example.org")];

    private static void NoInjectedLine(string text)
    {
        Assert.DoesNotContain(text.Split('\n'), line => line.TrimStart('\r', ' ', '>', '•', '*').StartsWith("Injected:", StringComparison.Ordinal));
        Assert.DoesNotContain("\r", text);
    }

    private static void NoUnsafeLink(string text)
    {
        foreach (var bad in new[] { "javascript", "data:", "vbscript", "//evil.example/relative", "%0D%0AInjected" })
            Assert.DoesNotContain(bad, text, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void TheEmailTextPartHasNoUnsafeLinkAndNoInjectedLine(string link)
    {
        var message = AlertEmail.Build(Hostile(link), From, To, DateTimeOffset.UnixEpoch);

        NoInjectedLine(message.TextBody!.Split("\n\n")[0]); // the fields; the summary below is the feed's text
        NoUnsafeLink(message.TextBody!);
        Assert.DoesNotContain("Link:", message.TextBody);
        Assert.Contains("Title:     Breaking Injected: title [click](https://evil.example/md)", message.TextBody);
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void TheEmailHeadersHaveNoUnsafeLinkAndStayOneLine(string link)
    {
        var message = AlertEmail.Build(Hostile(link), From, To, DateTimeOffset.UnixEpoch);

        Assert.Null(message.Headers["X-Aggregator-Entry-Link"]);
        Assert.Null(message.Headers["Injected"]);
        foreach (var header in message.Headers.Where(h => h.Field.StartsWith("X-Aggregator", StringComparison.Ordinal) || h.Field == "Subject"))
            Assert.DoesNotContain('\n', header.Value);
        Assert.Equal("entry-42 Injected: id", message.Headers["X-Aggregator-Entry-Id"]);
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void TheEmailHtmlPartLinksNothingUnsafe(string link)
    {
        var html = AlertEmail.Build(Hostile(link), From, To, DateTimeOffset.UnixEpoch).HtmlBody!;

        NoUnsafeLink(html);
        Assert.Contains("<h2 style=\"margin: 0 0 0.5em\">Breaking Injected: title [click](https://evil.example/md)</h2>", html);
    }

    [Fact]
    public void ASafeLinkIsShownEverywhere()
    {
        var alert = Hostile("  https://example.org/isw/2025/05/01/grid  ");
        var message = AlertEmail.Build(alert, From, To, DateTimeOffset.UnixEpoch);

        Assert.Contains("Link:      https://example.org/isw/2025/05/01/grid\n", message.TextBody);
        Assert.Equal("https://example.org/isw/2025/05/01/grid", message.Headers["X-Aggregator-Entry-Link"]);
        Assert.Contains("<a href=\"https://example.org/isw/2025/05/01/grid\">", message.HtmlBody);
        Assert.Equal("https://example.org/isw/2025/05/01/grid", Json(WebhookBody.Generic(alert)).GetProperty("entry").GetProperty("link").GetString());
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void TheGenericJsonHasANullLinkAndOneLineFields(string link)
    {
        var json = Json(WebhookBody.Generic(Hostile(link)));

        var entry = json.GetProperty("entry");
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("link").ValueKind);
        Assert.Equal("Breaking Injected: title [click](https://evil.example/md)", entry.GetProperty("title").GetString());
        Assert.Equal("Jane Injected: author", entry.GetProperty("author").GetString());
        Assert.Equal("entry-42 Injected: id", entry.GetProperty("id").GetString());
        Assert.Equal("ISW Injected: feed", json.GetProperty("feed").GetProperty("name").GetString());
        Assert.Equal("ukraine Injected: rule", json.GetProperty("rule").GetString());
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void SlackAndDiscordShowNoUnsafeLinkAndNoInjectedLine(string link)
    {
        var slack = Json(WebhookBody.Slack(Hostile(link))).GetProperty("text").GetString()!;
        var discord = Json(WebhookBody.Discord(Hostile(link))).GetProperty("content").GetString()!;

        foreach (var text in new[] { slack, discord })
        {
            NoUnsafeLink(text);
            NoInjectedLine(text.Split("\n>")[0]);
        }
        Assert.StartsWith("*[ukraine Injected: rule]* Breaking Injected: title [click](https://evil.example/md)\nFeed: ISW Injected: feed", slack);
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void TeamsShowsNoUnsafeLinkAndMarkdownFromTheFeedAsText(string link)
    {
        var card = Json(WebhookBody.Teams(Hostile(link))).GetProperty("attachments")[0].GetProperty("content");

        var texts = card.GetProperty("body").EnumerateArray().Select(block => block.GetProperty("text").GetString()!).ToArray();
        Assert.Equal(@"\[ukraine Injected: rule\] Breaking Injected: title \[click\]\(https://evil.example/md\)", texts[0]);
        Assert.StartsWith("Feed: ISW Injected: feed", texts[1]);
        Assert.False(card.TryGetProperty("actions", out _));
        foreach (var text in texts)
            NoUnsafeLink(text);
    }

    [Fact]
    public void TeamsEscapesMarkdownInSummariesAndDigestItemsToo()
    {
        var alert = AlertSamples.Typical() with { Summary = "See **this** [offer](https://evil.example/)", Feed = "Feed_[x](https://evil.example/)" };
        var single = Json(WebhookBody.Teams(alert)).GetProperty("attachments")[0].GetProperty("content").GetProperty("body");
        var digest = new Digest("digest-1", "ops", new DigestPeriod("r", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1)),
            [alert with { Title = "[click](https://evil.example/) (update)", Link = "https://example.org/a(1)" }]);
        var list = Json(WebhookBody.CreateDigest("teams", digest)).GetProperty("attachments")[0].GetProperty("content").GetProperty("body");

        Assert.Equal(@"See \*\*this\*\* \[offer\]\(https://evil.example/\)", single[2].GetProperty("text").GetString());
        Assert.StartsWith(@"Feed: Feed\_\[x\]\(https://evil.example/\)", single[1].GetProperty("text").GetString());
        Assert.Equal(@"[\[click\]\(https://evil.example/\) \(update\)](https://example.org/a%281%29)", list[1].GetProperty("text").GetString());
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void NtfyHasNoClickHeaderForAnUnsafeLinkAndOneLineHeaders(string link)
    {
        var body = WebhookBody.Ntfy(Hostile(link));

        Assert.DoesNotContain(body.Headers, header => header.Key == "Click");
        Assert.All(body.Headers, header => Assert.DoesNotContain('\n', header.Value));
        NoUnsafeLink(Encoding.UTF8.GetString(body.Content));
        NoInjectedLine(Encoding.UTF8.GetString(body.Content).Split("\n\n")[0]);
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void TheConsoleBlockHasNoUnsafeLinkAndNoInjectedLine(string link)
    {
        var block = ConsoleNotifier.Format(Hostile(link)).ReplaceLineEndings("\n");

        NoUnsafeLink(block);
        NoInjectedLine(block.Split("\n\n")[0]);
    }

    [Theory]
    [MemberData(nameof(UnsafeLinks))]
    public void DigestsShowNoUnsafeLink(string link)
    {
        var digest = new Digest("digest-1", "ops", new DigestPeriod("r", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddHours(1)), [Hostile(link)]);
        var email = AlertEmail.BuildDigest(digest, From, To, DateTimeOffset.UnixEpoch);

        NoUnsafeLink(email.TextBody!);
        NoUnsafeLink(email.HtmlBody!);
        NoUnsafeLink(ConsoleNotifier.Format(digest));
        foreach (var format in WebhookBody.Formats)
            NoUnsafeLink(Encoding.UTF8.GetString(WebhookBody.CreateDigest(format, digest).Content));
    }

    private static JsonElement Json(WebhookBody body)
    {
        using var document = JsonDocument.Parse(body.Content);
        return document.RootElement.Clone();
    }
}
