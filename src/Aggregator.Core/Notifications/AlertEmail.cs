using System.Net;
using System.Text;
using MimeKit;

namespace Aggregator.Notifications;

/// <summary>Builds the email for one alert: multipart/alternative with a text/plain part for terminals and
/// filters and a text/html part for people, plus X-Aggregator-* headers so mail rules can sort alerts.</summary>
public static class AlertEmail
{
    /// <summary>Mail clients cut subjects around 60-80 characters anyway; past this length a subject only
    /// grows the header (RFC 5322 recommends lines under 78 characters, folding handles the rest).</summary>
    public const int MaxSubjectLength = 150;

    /// <summary>"[rule] title"; an operational alert's is "[Aggregator] operational: title", for mail rules to sort.</summary>
    public static string Subject(Alert alert) => AlertText.Truncate(alert.IsOperational
        ? $"[Aggregator] operational: {AlertText.Title(alert)}"
        : $"[{AlertText.OneLine(alert.Rule)}] {AlertText.Title(alert)}", MaxSubjectLength);

    /// <summary>The Message-ID is derived from the delivery id, so a retried delivery that did reach the
    /// server the first time (the connection dropped after DATA) shows up as a duplicate that clients and
    /// list servers can fold, instead of a second distinct message.</summary>
    public static string MessageId(string deliveryId)
    {
        // RFC 5322 id-left is dot-atom-text; anything else in our id becomes '-', so the id stays stable.
        var id = new StringBuilder(deliveryId.Length);
        foreach (var c in deliveryId)
            id.Append(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-/=?^_`{|}~.".Contains(c) ? c : '-');
        return $"{id.ToString().Trim('.')}@aggregator";
    }

    /// <summary>What every alert email has: subject, Message-ID from the delivery id, sender, recipients,
    /// the delivery and rule headers, and Auto-Submitted.</summary>
    private static MimeMessage Message(string subject, string deliveryId, string rule, MailboxAddress from, IEnumerable<MailboxAddress> to, DateTimeOffset now)
    {
        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = MessageId(deliveryId),
            Date = now,
        };
        message.From.Add(from);
        message.To.AddRange(to);
        message.Headers.Add("X-Aggregator-Delivery", deliveryId);
        message.Headers.Add("X-Aggregator-Rule", AlertText.OneLine(rule));
        // Tells auto-responders (vacation replies) not to answer a machine (RFC 3834).
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    public static MimeMessage Build(Alert alert, MailboxAddress from, IEnumerable<MailboxAddress> to, DateTimeOffset now)
    {
        var message = Message(Subject(alert), alert.DeliveryId, alert.Rule, from, to, now);
        if (alert.IsOperational)
        {
            message.Headers.Add("X-Aggregator-Kind", Alert.OperationalKind);
            message.Headers.Add("X-Aggregator-Problem", $"{alert.Problem} {alert.State}");
        }
        message.Headers.Add("X-Aggregator-Feed", AlertText.OneLine(alert.Feed));
        message.Headers.Add("X-Aggregator-Entry-Id", AlertText.OneLine(alert.EntryId));
        if (SafeLink.From(alert.Link) is { } link)
            message.Headers.Add("X-Aggregator-Entry-Link", link);

        var body = new BodyBuilder
        {
            TextBody = AlertText.Render(alert) + $"\n-- \nSent by Aggregator, delivery {alert.DeliveryId}\n",
            HtmlBody = Html(alert),
        };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>The subject names the rule and the count, so a day of digests reads as a list in the inbox.</summary>
    public static string DigestSubject(Digest digest) =>
        AlertText.Truncate($"[{AlertText.OneLine(digest.Rule)}] {digest.Summary}", MaxSubjectLength);

    /// <summary>One message for a digest: every match of the period, oldest first, each with its link, feed,
    /// date, matched terms and a short teaser; the full summaries are one click away.</summary>
    public static MimeMessage BuildDigest(Digest digest, MailboxAddress from, IEnumerable<MailboxAddress> to, DateTimeOffset now)
    {
        var message = Message(DigestSubject(digest), digest.DeliveryId, digest.Rule, from, to, now);
        message.Headers.Add("X-Aggregator-Digest", digest.Alerts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));

        var text = new StringBuilder();
        text.Append("Rule ").Append(AlertText.OneLine(digest.Rule)).Append(": ").AppendLine(digest.Summary).AppendLine();
        var number = 0;
        foreach (var alert in digest.Alerts)
            text.Append(++number).Append(". ").Append(AlertText.DigestItem(alert).Replace("\n", "\n   ")).AppendLine();
        text.Append("-- \nSent by Aggregator, delivery ").Append(digest.DeliveryId).Append('\n');

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(DigestSubject(digest)))
            .Append("</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.4\">\n<h2 style=\"margin: 0 0 0.5em\">")
            .Append(WebUtility.HtmlEncode(AlertText.OneLine(digest.Rule))).Append(": ").Append(WebUtility.HtmlEncode(digest.Summary))
            .Append("</h2>\n<ol>\n");
        foreach (var alert in digest.Alerts)
        {
            var title = TermHighlighter.ToHtml(AlertText.Title(alert), alert.MatchedTerms);
            html.Append("<li style=\"margin-bottom: 0.8em\"><strong>");
            html.Append(SafeLink.From(alert.Link) is { } link ? $"<a href=\"{WebUtility.HtmlEncode(link)}\">{title}</a>" : title);
            html.Append("</strong><br><small>").Append(WebUtility.HtmlEncode(AlertText.DigestLine(alert))).Append("</small>");
            if (AlertText.Teaser(alert) is { } teaser)
                html.Append("<br>").Append(TermHighlighter.ToHtml(teaser, alert.MatchedTerms));
            html.Append("</li>\n");
        }
        html.Append("</ol>\n<p style=\"color: #777; font-size: smaller\">Sent by Aggregator, delivery ")
            .Append(WebUtility.HtmlEncode(digest.DeliveryId)).Append("</p>\n</body></html>\n");

        message.Body = new BodyBuilder { TextBody = text.ToString(), HtmlBody = html.ToString() }.ToMessageBody();
        return message;
    }

    private static string Html(Alert alert)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(Subject(alert)))
            .Append("</title></head>\n<body style=\"font-family: sans-serif; line-height: 1.4\">\n");

        var title = TermHighlighter.ToHtml(AlertText.Title(alert), alert.MatchedTerms);
        html.Append("<h2 style=\"margin: 0 0 0.5em\">");
        if (SafeLink.From(alert.Link) is { } link)
            html.Append("<a href=\"").Append(WebUtility.HtmlEncode(link)).Append("\">").Append(title).Append("</a>");
        else
            html.Append(title);
        html.Append("</h2>\n<table style=\"border-collapse: collapse\">\n");
        if (alert.IsOperational)
        {
            Row(html, "Problem", WebUtility.HtmlEncode($"{alert.Problem} ({alert.State})"));
            Row(html, "Subject", WebUtility.HtmlEncode(AlertText.OneLine(alert.Subject)));
        }
        Row(html, "Rule", WebUtility.HtmlEncode(AlertText.OneLine(alert.Rule)));
        var feed = WebUtility.HtmlEncode(AlertText.OneLine(alert.Feed));
        Row(html, "Feed", SafeLink.From(alert.FeedUrl) is { } feedUrl
            ? $"<a href=\"{WebUtility.HtmlEncode(feedUrl)}\">{feed}</a>"
            : feed);
        if (alert.Published is { } published)
            Row(html, "Published", WebUtility.HtmlEncode(AlertText.Date(published)));
        if (!string.IsNullOrWhiteSpace(alert.Author))
            Row(html, "Author", WebUtility.HtmlEncode(AlertText.OneLine(alert.Author)));
        if (!alert.IsOperational)
            Row(html, "Matched", alert.MatchedTerms.Count > 0
                ? string.Join(", ", alert.MatchedTerms.Select(term => $"<mark>{WebUtility.HtmlEncode(AlertText.OneLine(term))}</mark>"))
                : "(no terms recorded)");
        html.Append("</table>\n");

        if (EntryHtml.ToHtml(alert.SummaryHtml, alert.Link, alert.MatchedTerms) is { } entryHtml)
            html.Append("<div style=\"margin-top: 1em\">").Append(entryHtml).Append("</div>\n");
        else if (AlertText.Summary(alert) is { } summary)
            html.Append("<p style=\"white-space: pre-wrap\">")
                .Append(TermHighlighter.ToHtml(summary, alert.MatchedTerms))
                .Append("</p>\n");
        html.Append("<p style=\"color: #777; font-size: smaller\">Sent by Aggregator, delivery ")
            .Append(WebUtility.HtmlEncode(alert.DeliveryId))
            .Append("</p>\n</body></html>\n");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string label, string valueHtml) =>
        html.Append("<tr><th style=\"text-align: left; padding-right: 1em; vertical-align: top\">")
            .Append(label).Append("</th><td>").Append(valueHtml).Append("</td></tr>\n");
}
