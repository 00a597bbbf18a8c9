using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Aggregator.Notifications;

/// <summary>What a webhook POSTs for one alert in one Format: the exact bytes (the signature covers them),
/// their content type, and any headers the format needs (ntfy puts the title in a header).</summary>
public sealed record WebhookBody(byte[] Content, string ContentType, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>Values allowed for NotifierOptions.Format.</summary>
    public static readonly IReadOnlyList<string> Formats = ["generic", "slack", "discord", "teams", "ntfy"];

    /// <summary>Chat messages carry a teaser, not the article: the link is there for the rest.</summary>
    private const int ChatSummaryLength = 500;

    // Relaxed escaping keeps non-ASCII titles and "<>&" readable in the body; it is never embedded in HTML.
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static WebhookBody Create(string? format, Alert alert) => (format?.Trim().ToLowerInvariant()) switch
    {
        null or "" or "generic" => Generic(alert),
        "slack" => Slack(alert),
        "discord" => Discord(alert),
        "teams" => Teams(alert),
        "ntfy" => Ntfy(alert),
        _ => throw new ArgumentException($"Unknown webhook format '{format}'; allowed: {string.Join(", ", Formats)}.", nameof(format)),
    };

    /// <summary>Our documented payload (docs/notifications.md): a stable shape with every key always present,
    /// null when the feed did not say, so receivers need no existence checks.</summary>
    public static WebhookBody Generic(Alert alert) => Json(json =>
    {
        if (alert.IsOperational) WriteOperational(json, alert);
        else WriteAlert(json, alert);
    });

    /// <summary>An operational alert (Aggregator:Health:Notify), marked "kind": "operational" so that a receiver can
    /// route it apart from the rules' matches; its shape is in docs/notifications.md.</summary>
    private static void WriteOperational(Utf8JsonWriter json, Alert alert)
    {
        json.WriteStartObject();
        json.WriteString("kind", Alert.OperationalKind);
        json.WriteString("deliveryId", alert.DeliveryId);
        json.WriteString("problem", alert.Problem);
        json.WriteString("state", alert.State);
        json.WriteString("subject", AlertText.OneLine(alert.Subject));
        json.WriteString("title", AlertText.Title(alert));
        json.WriteString("detail", alert.Summary);
        if (string.IsNullOrEmpty(alert.FeedUrl))
            json.WriteNull("feed");
        else
        {
            json.WriteStartObject("feed");
            json.WriteString("name", AlertText.OneLine(alert.Feed));
            json.WriteString("url", AlertText.OneLine(alert.FeedUrl));
            json.WriteEndObject();
        }
        if (alert.Since is { } since)
            json.WriteString("since", AlertText.IsoDate(since));
        else
            json.WriteNull("since");
        json.WriteString("at", AlertText.IsoDate(alert.MatchedAt));
        json.WriteEndObject();
    }

    private static void WriteAlert(Utf8JsonWriter json, Alert alert)
    {
        json.WriteStartObject();
        json.WriteString("deliveryId", alert.DeliveryId);
        json.WriteString("rule", AlertText.OneLine(alert.Rule));
        json.WriteStartObject("feed");
        json.WriteString("name", AlertText.OneLine(alert.Feed));
        json.WriteString("url", AlertText.OneLine(alert.FeedUrl));
        json.WriteEndObject();
        json.WriteStartObject("entry");
        json.WriteString("id", AlertText.OneLine(alert.EntryId));
        json.WriteString("title", OneLineOrNull(alert.Title));
        // null, not the feed's text, when it is not an http(s) link: receivers put it in an href.
        json.WriteString("link", SafeLink.From(alert.Link));
        if (alert.Published is { } published)
            json.WriteString("published", AlertText.IsoDate(published));
        else
            json.WriteNull("published");
        json.WriteString("author", OneLineOrNull(alert.Author));
        json.WriteString("summary", alert.Summary);
        json.WriteEndObject();
        json.WriteStartArray("matchedTerms");
        foreach (var term in alert.MatchedTerms)
            json.WriteStringValue(term);
        json.WriteEndArray();
        json.WriteString("matchedAt", AlertText.IsoDate(alert.MatchedAt));
        json.WriteBoolean("update", alert.Update);
        json.WriteEndObject();
    }

    private static string? OneLineOrNull(string? value) => value is null ? null : AlertText.OneLine(value);

    public static WebhookBody CreateDigest(string? format, Digest digest) => (format?.Trim().ToLowerInvariant()) switch
    {
        null or "" or "generic" => GenericDigest(digest),
        "slack" => ChatJson("text", SlackDigestText(digest)),
        "discord" => DiscordDigest(digest),
        "teams" => TeamsDigest(digest),
        "ntfy" => NtfyDigest(digest),
        _ => throw new ArgumentException($"Unknown webhook format '{format}'; allowed: {string.Join(", ", Formats)}.", nameof(format)),
    };

    /// <summary>A digest in the generic format: the period, the count, and each alert exactly as the
    /// single-alert body writes it (docs/notifications.md).</summary>
    public static WebhookBody GenericDigest(Digest digest) => Json(json =>
    {
        json.WriteStartObject();
        json.WriteString("deliveryId", digest.DeliveryId);
        json.WriteString("rule", AlertText.OneLine(digest.Rule));
        json.WriteStartObject("digest");
        json.WriteString("start", AlertText.IsoDate(digest.Period.Start));
        json.WriteString("end", AlertText.IsoDate(digest.Period.End));
        if (digest.Zone is { } zone) json.WriteString("timeZone", zone.Id);
        json.WriteNumber("count", digest.Alerts.Count);
        if (digest.Held is not null) json.WriteString("held", digest.Held);
        json.WriteEndObject();
        json.WriteStartArray("alerts");
        foreach (var alert in digest.Alerts)
            WriteAlert(json, alert);
        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static string SlackDigestText(Digest digest)
    {
        static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
        var text = new StringBuilder();
        text.Append("*[").Append(Escape(AlertText.OneLine(digest.Rule))).Append("]* ").Append(Escape(digest.Summary));
        foreach (var alert in digest.Alerts)
        {
            var title = Escape(AlertText.Title(alert)).Replace("|", "¦");
            text.Append("\n• ").Append(SafeLink.From(alert.Link) is { } link ? $"<{link}|{title}>" : title)
                .Append(" — ").Append(Escape(AlertText.DigestLine(alert)));
        }
        return text.ToString();
    }

    private static WebhookBody DiscordDigest(Digest digest)
    {
        var text = new StringBuilder();
        text.Append("**[").Append(EscapeMarkdown(AlertText.OneLine(digest.Rule))).Append("]** ").Append(EscapeMarkdown(digest.Summary));
        foreach (var alert in digest.Alerts)
        {
            var title = EscapeMarkdown(AlertText.Title(alert));
            text.Append("\n• ").Append(SafeLink.From(alert.Link) is { } link ? $"[{title}](<{link}>)" : title)
                .Append(" — ").Append(EscapeMarkdown(AlertText.DigestLine(alert)));
        }
        return DiscordJson(text.ToString());
    }

    private static WebhookBody TeamsDigest(Digest digest) => TeamsCard(json =>
    {
        TextBlock(json, EscapeMarkdown($"[{AlertText.OneLine(digest.Rule)}] {digest.Summary}"), bold: true);
        foreach (var alert in digest.Alerts)
        {
            var title = EscapeMarkdown(AlertText.Title(alert));
            // Adaptive Card text blocks render Markdown: our link around the escaped title, nothing of the feed's.
            TextBlock(json, SafeLink.From(alert.Link) is { } link ? $"[{title}]({MarkdownDestination(link)})" : title, bold: false);
            TextBlock(json, EscapeMarkdown(AlertText.DigestLine(alert)), bold: false);
        }
    }, link: null);

    private static WebhookBody NtfyDigest(Digest digest)
    {
        var text = new StringBuilder();
        foreach (var alert in digest.Alerts)
        {
            text.Append("• ").Append(AlertText.Title(alert)).Append('\n');
            if (SafeLink.From(alert.Link) is { } link)
                text.Append("  ").Append(link).Append('\n');
        }
        List<KeyValuePair<string, string>> headers =
        [
            new("Title", HeaderValue($"[{AlertText.OneLine(digest.Rule)}] {digest.Summary}")),
            new("Tags", HeaderValue("newspaper," + AlertText.OneLine(digest.Rule).Replace(',', ' '))),
        ];
        return new WebhookBody(Encoding.UTF8.GetBytes(text.ToString()), "text/plain; charset=utf-8", headers);
    }

    /// <summary>Slack incoming webhook: {"text"} in mrkdwn, where only &amp;, &lt; and &gt; need escaping.</summary>
    public static WebhookBody Slack(Alert alert)
    {
        static string Escape(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
        var title = Escape(AlertText.Title(alert)).Replace("|", "¦");
        var text = new StringBuilder();
        text.Append("*[").Append(Escape(AlertText.OneLine(alert.Rule))).Append("]* ");
        text.Append(SafeLink.From(alert.Link) is { } link ? $"<{link}|{title}>" : title).Append('\n');
        text.Append(Escape(FeedLine(alert)));
        if (ChatSummary(alert) is { } summary)
            text.Append("\n>").Append(Escape(summary).Replace("\n", "\n>"));
        return ChatJson("text", text.ToString());
    }

    private static WebhookBody ChatJson(string key, string text) => Json(json =>
    {
        json.WriteStartObject();
        json.WriteString(key, text);
        json.WriteEndObject();
    });

    /// <summary>Discord webhook: {"content"} in Markdown, at most 2000 characters; allowed_mentions is empty
    /// so a feed title containing @everyone cannot ping a whole server.</summary>
    public static WebhookBody Discord(Alert alert)
    {
        var title = EscapeMarkdown(AlertText.Title(alert));
        var text = new StringBuilder();
        text.Append("**[").Append(EscapeMarkdown(AlertText.OneLine(alert.Rule))).Append("]** ");
        text.Append(SafeLink.From(alert.Link) is { } link ? $"[{title}](<{link}>)" : title).Append('\n');
        text.Append(EscapeMarkdown(FeedLine(alert)));
        if (ChatSummary(alert) is { } summary)
            text.Append("\n> ").Append(EscapeMarkdown(summary).Replace("\n", "\n> "));
        return DiscordJson(text.ToString());
    }

    private static WebhookBody DiscordJson(string text) => Json(json =>
    {
        json.WriteStartObject();
        json.WriteString("content", AlertText.Truncate(text, 2000));
        json.WriteStartObject("allowed_mentions");
        json.WriteStartArray("parse");
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    });

    /// <summary>Microsoft Teams "Workflows" webhook: a message with one Adaptive Card, the format the
    /// replacement for the retired Office 365 connectors accepts. Text blocks render Markdown, so every text
    /// from the feed is escaped: a title "[click](https://evil)" shows as written, not as a link.</summary>
    public static WebhookBody Teams(Alert alert) => TeamsCard(json =>
    {
        TextBlock(json, EscapeMarkdown($"[{AlertText.OneLine(alert.Rule)}] {AlertText.Title(alert)}"), bold: true);
        TextBlock(json, EscapeMarkdown(FeedLine(alert)), bold: false);
        if (ChatSummary(alert) is { } summary)
            TextBlock(json, EscapeMarkdown(summary), bold: false);
    }, SafeLink.From(alert.Link));

    private static WebhookBody TeamsCard(Action<Utf8JsonWriter> body, string? link) => Json(json =>
    {
        json.WriteStartObject();
        json.WriteString("type", "message");
        json.WriteStartArray("attachments");
        json.WriteStartObject();
        json.WriteString("contentType", "application/vnd.microsoft.card.adaptive");
        json.WriteStartObject("content");
        json.WriteString("$schema", "http://adaptivecards.io/schemas/adaptive-card.json");
        json.WriteString("type", "AdaptiveCard");
        json.WriteString("version", "1.4");
        json.WriteStartArray("body");
        body(json);
        json.WriteEndArray();
        if (link is not null)
        {
            json.WriteStartArray("actions");
            json.WriteStartObject();
            json.WriteString("type", "Action.OpenUrl");
            json.WriteString("title", "Open entry");
            json.WriteString("url", link);
            json.WriteEndObject();
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>ntfy: the body is the message text; Title, Tags and Click are headers. Header values must be
    /// ASCII on the wire, so a non-ASCII title goes as an RFC 2047 encoded word, which ntfy decodes.</summary>
    public static WebhookBody Ntfy(Alert alert)
    {
        var text = new StringBuilder();
        text.Append(FeedLine(alert));
        if (ChatSummary(alert) is { } summary)
            text.Append("\n\n").Append(summary);
        List<KeyValuePair<string, string>> headers =
        [
            new("Title", HeaderValue($"[{AlertText.OneLine(alert.Rule)}] {AlertText.Title(alert)}")),
            // Tags are comma-separated; "newspaper" renders as an emoji in the ntfy apps.
            new("Tags", HeaderValue("newspaper," + AlertText.OneLine(alert.Rule).Replace(',', ' '))),
        ];
        if (SafeLink.From(alert.Link) is { } link)
            headers.Add(new("Click", link));
        return new WebhookBody(Encoding.UTF8.GetBytes(text.ToString()), "text/plain; charset=utf-8", headers);
    }

    public HttpContent ToHttpContent()
    {
        var content = new ByteArrayContent(Content);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType);
        return content;
    }

    private static WebhookBody Json(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
            write(json);
        return new WebhookBody(buffer.ToArray(), "application/json; charset=utf-8", []);
    }

    private static void TextBlock(Utf8JsonWriter json, string text, bool bold)
    {
        json.WriteStartObject();
        json.WriteString("type", "TextBlock");
        json.WriteString("text", text);
        json.WriteBoolean("wrap", true);
        if (bold)
        {
            json.WriteString("weight", "Bolder");
            json.WriteString("size", "Medium");
        }
        json.WriteEndObject();
    }

    private static string FeedLine(Alert alert)
    {
        var line = new StringBuilder();
        line.Append("Feed: ").Append(AlertText.OneLine(alert.Feed));
        if (alert.Published is { } published)
            line.Append(" · ").Append(AlertText.Date(published));
        if (alert.MatchedTerms.Count > 0)
            line.Append(" · matched: ").Append(AlertText.OneLine(string.Join(", ", alert.MatchedTerms)));
        return line.ToString();
    }

    private static string? ChatSummary(Alert alert) =>
        AlertText.Summary(alert) is { } summary ? AlertText.Truncate(summary, ChatSummaryLength) : null;

    /// <summary>A Markdown link's destination ends at the first unbalanced ')': percent-encoded, parentheses
    /// in a link cannot cut it short.</summary>
    private static string MarkdownDestination(string link) => link.Replace("(", "%28").Replace(")", "%29");

    /// <summary>Backslash-escapes what Discord's and Adaptive Cards' Markdown would read as emphasis, code or
    /// a link (CommonMark backslash escapes).</summary>
    private static string EscapeMarkdown(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '~' or '`' or '|' or '[' or ']' or '(' or ')' or '<' or '>' or '#')
                escaped.Append('\\');
            escaped.Append(c);
        }
        return escaped.ToString();
    }

    private static string HeaderValue(string text)
    {
        var line = AlertText.Truncate(AlertText.OneLine(text), 250);
        return line.All(char.IsAscii)
            ? line
            : "=?UTF-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(line)) + "?=";
    }
}
