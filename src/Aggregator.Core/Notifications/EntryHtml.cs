using AngleSharp.Dom;
using Ganss.Xss;

namespace Aggregator.Notifications;

/// <summary>The entry's own HTML for the email, made safe: an allow-list fit for mail keeps text formatting,
/// links (made absolute against the entry's link, http/https/mailto only, rel="noopener noreferrer"), lists,
/// quotes, headings, pre/code and tables, and drops everything else: scripts, event handlers, forms and every
/// form control, frames, objects, svg and math, images (remote content, often tracking pixels), style
/// attributes and blocks (overlays, url() pixels), class and id (a mail client's own CSS could be turned
/// on the reader). Then the matched terms are marked in its text.</summary>
public static class EntryHtml
{
    /// <summary>Longer HTML is not worth a tree: an alert shows at most <see cref="AlertText.MaxSummaryLength"/>
    /// characters of text, and whole articles shipped as a summary are 20-60 KB of HTML.</summary>
    public const int MaxHtmlLength = 100_000;

    /// <summary>Articles nest a few levels (a list in a quote in a table cell is about ten); past this the HTML is
    /// made to hurt, and a tree's cost grows with the square of its depth.</summary>
    public const int MaxHtmlDepth = 64;

    private static readonly string[] AllowedTags =
    [
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption",
        "center", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q",
        "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody",
        "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    ];

    private static readonly string[] AllowedAttributes = ["href", "title", "colspan", "rowspan", "scope", "dir", "lang", "datetime", "start"];

    /// <summary>Configured once: HtmlSanitizer's methods are thread-safe on an instance nobody changes.</summary>
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        Replace(sanitizer.AllowedTags, AllowedTags);
        Replace(sanitizer.AllowedAttributes, AllowedAttributes);
        // No style attribute is allowed, so no CSS is read; emptied too, so none is ever kept.
        sanitizer.AllowedCssProperties.Clear();
        sanitizer.AllowedAtRules.Clear();
        sanitizer.AllowedClasses.Clear();
        sanitizer.AllowDataAttributes = false;
        Replace(sanitizer.AllowedSchemes, ["http", "https", "mailto"]);
        Replace(sanitizer.UriAttributes, ["href"]);
        sanitizer.UriListAttributes.Clear();
        return sanitizer;
    }

    private static void Replace(ISet<string> set, IEnumerable<string> values)
    {
        set.Clear();
        set.UnionWith(values);
    }

    /// <returns>The sanitised body, or null when there is nothing to show, when it is longer than an alert
    /// should carry, or when the HTML is over <see cref="MaxHtmlLength"/> or nests deeper than
    /// <see cref="MaxHtmlDepth"/> (the email then shows the plain-text summary, cut at <see cref="AlertText.MaxSummaryLength"/>).</returns>
    public static string? ToHtml(string? html, string? baseUrl, IReadOnlyList<string> terms)
    {
        if (string.IsNullOrWhiteSpace(html)) return null;
        // Checked before any tree is built, in one linear pass: the tree is what costs.
        if (html.Length > MaxHtmlLength || HtmlNesting.MaxDepth(html, MaxHtmlDepth) > MaxHtmlDepth) return null;
        // Relative links resolve against the entry's link; without an http(s) one they are dropped below (a
        // protocol-relative "//host" left as it is can open file://host in some mail clients).
        using var document = Sanitizer.SanitizeDom(html, SafeLink.From(baseUrl) ?? "");
        if (document.Body is not { } body) return null;
        foreach (var anchor in body.QuerySelectorAll("a[href]"))
        {
            if (SafeLink.From(anchor.GetAttribute("href"), allowMailto: true) is { } href)
            {
                anchor.SetAttribute("href", href);
                anchor.SetAttribute("rel", "noopener noreferrer");
            }
            else
            {
                anchor.RemoveAttribute("href");
            }
        }
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
