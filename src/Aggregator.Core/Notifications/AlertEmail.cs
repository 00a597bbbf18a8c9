using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Aggregator.Configuration;
using MimeKit;

namespace Aggregator.Notifications;

/// <summary>The email for one alert: a readable plain-text part and a clean HTML part built from the
/// entry's plain text (never its raw HTML), with the matched terms highlighted.</summary>
public static class AlertEmail
{
    private const int MaxSubjectLength = 200;

    public static MimeMessage Build(Alert alert, NotifierOptions options)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From!));
        foreach (var to in options.To) message.To.Add(MailboxAddress.Parse(to));
        var title = string.IsNullOrWhiteSpace(alert.Title) ? "(no title)" : alert.Title;
        var subject = $"[{alert.Rule}] {title}";
        message.Subject = subject.Length <= MaxSubjectLength ? subject : subject[..(MaxSubjectLength - 1)] + "…";
        // The delivery id is the Message-ID, so a resend after a crash is recognisably the same message.
        message.MessageId = $"{alert.DeliveryId}@aggregator";
        message.Date = alert.MatchedAt;
        message.Headers.Add("X-Aggregator-Delivery", alert.DeliveryId);
        message.Headers.Add("X-Aggregator-Rule", alert.Rule);
        message.Headers.Add("X-Aggregator-Feed", alert.Feed);
        message.Headers.Add("X-Aggregator-Entry-Id", alert.EntryId);
        if (alert.Link is not null) message.Headers.Add("X-Aggregator-Entry-Link", alert.Link);

        var body = new BodyBuilder { TextBody = Text(alert, title), HtmlBody = Html(alert, title) };
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string Text(Alert alert, string title)
    {
        var text = new StringBuilder();
        text.AppendLine(title);
        if (alert.Link is not null) text.AppendLine(alert.Link);
        text.AppendLine();
        text.AppendLine($"Feed:    {alert.Feed}");
        text.AppendLine($"Date:    {Date(alert.Published)}");
        if (alert.Author is not null) text.AppendLine($"Author:  {alert.Author}");
        text.AppendLine($"Rule:    {alert.Rule}");
        text.AppendLine($"Matched: {string.Join(", ", alert.MatchedTerms)}");
        if (!string.IsNullOrWhiteSpace(alert.Summary))
        {
            text.AppendLine();
            text.AppendLine(alert.Summary);
        }
        return text.ToString();
    }

    private static string Html(Alert alert, string title)
    {
        var highlight = Highlighter(alert.MatchedTerms);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif;max-width:40em\">");
        html.Append("<h2 style=\"margin-bottom:0.2em\">");
        if (alert.Link is not null) html.Append("<a href=\"").Append(WebUtility.HtmlEncode(alert.Link)).Append("\">");
        html.Append(Highlight(title, highlight));
        if (alert.Link is not null) html.Append("</a>");
        html.Append("</h2><p style=\"color:#555;margin-top:0\">");
        html.Append(WebUtility.HtmlEncode(alert.Feed)).Append(" &middot; ").Append(WebUtility.HtmlEncode(Date(alert.Published)));
        if (alert.Author is not null) html.Append(" &middot; ").Append(WebUtility.HtmlEncode(alert.Author));
        html.Append("</p>");
        if (!string.IsNullOrWhiteSpace(alert.Summary)) html.Append("<p>").Append(Highlight(alert.Summary, highlight)).Append("</p>");
        html.Append("<p style=\"color:#555\">Rule <b>").Append(WebUtility.HtmlEncode(alert.Rule)).Append("</b> matched: ");
        html.Append(string.Join(", ", alert.MatchedTerms.Select(t => "<mark>" + WebUtility.HtmlEncode(t) + "</mark>")));
        html.Append("</p></body></html>");
        return html.ToString();
    }

    private static string Date(DateTimeOffset? date) =>
        date is { } d ? d.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture) : "no date given";

    /// <summary>Escapes the text and wraps every hit of the matched terms in &lt;mark&gt;.</summary>
    private static string Highlight(string text, Regex? highlighter)
    {
        if (highlighter is null) return WebUtility.HtmlEncode(text);
        var html = new StringBuilder();
        var last = 0;
        foreach (Match hit in highlighter.Matches(text))
        {
            html.Append(WebUtility.HtmlEncode(text[last..hit.Index]));
            html.Append("<mark>").Append(WebUtility.HtmlEncode(hit.Value)).Append("</mark>");
            last = hit.Index + hit.Length;
        }
        return html.Append(WebUtility.HtmlEncode(text[last..])).ToString();
    }

    /// <summary>One regex for all terms: words whole, "phrases" across any separators, prefix* by prefix.</summary>
    private static Regex? Highlighter(IReadOnlyList<string> terms)
    {
        var patterns = new List<string>();
        foreach (var raw in terms)
        {
            var term = raw.Contains(':') && !raw.StartsWith('"') ? raw[(raw.IndexOf(':') + 1)..] : raw;
            term = term.Trim('"', ' ');
            var prefix = term.EndsWith('*');
            var words = term.TrimEnd('*').Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || term.StartsWith('/')) continue;
            var pattern = string.Join(@"\W+", words.Select(Regex.Escape));
            patterns.Add(prefix ? $@"\b{pattern}\w*" : $@"\b{pattern}\b");
        }
        return patterns.Count == 0 ? null
            : new Regex(string.Join("|", patterns), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
    }
}
