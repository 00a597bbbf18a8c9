using AngleSharp.Dom;
using Ganss.Xss;

namespace Aggregator.Notifications;

/// <summary>The entry's own HTML for the email, made safe: HtmlSanitizer keeps formatting and links (made
/// absolute, http/https/mailto only) and drops scripts, event handlers, forms, frames and images (a feed's
/// images are remote content and often tracking pixels); then the matched terms are marked in its text.</summary>
public static class EntryHtml
{
    /// <returns>The sanitised body, or null when there is nothing to show or it is longer than an alert
    /// should carry (the email then shows the plain-text summary, cut at <see cref="AlertText.MaxSummaryLength"/>).</returns>
    public static string? ToHtml(string? html, string? baseUrl, IReadOnlyList<string> terms)
    {
        if (string.IsNullOrWhiteSpace(html)) return null;
        var sanitizer = new HtmlSanitizer();
        foreach (var tag in new[] { "img", "picture", "source", "video", "audio" }) sanitizer.AllowedTags.Remove(tag);
        sanitizer.AllowedSchemes.Add("mailto");
        using var document = sanitizer.SanitizeDom(html, Uri.TryCreate(baseUrl, UriKind.Absolute, out var url) ? url.AbsoluteUri : "");
        if (document.Body is not { } body) return null;
        var text = body.TextContent;
        if (string.IsNullOrWhiteSpace(text) || text.Length > AlertText.MaxSummaryLength) return null;

        if (terms.Count > 0)
        {
            foreach (var node in body.Descendants<IText>().ToList())
            {
                var marks = TermHighlighter.Marks(node.Data, terms);
                if (marks.Count == 0) continue;
                var parts = new List<INode>();
                var last = 0;
                foreach (var (start, length) in marks)
                {
                    if (start > last) parts.Add(document.CreateTextNode(node.Data[last..start]));
                    var mark = document.CreateElement("mark");
                    mark.TextContent = node.Data.Substring(start, length);
                    parts.Add(mark);
                    last = start + length;
                }
                if (last < node.Data.Length) parts.Add(document.CreateTextNode(node.Data[last..]));
                node.Replace([.. parts]);
            }
        }
        return body.InnerHtml.Trim();
    }
}
