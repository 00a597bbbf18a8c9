using System.Text.Json;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Aggregator.Notifications;
using Aggregator.Tests.Support;
using MimeKit;

namespace Aggregator.Tests.Notifications;

/// <summary>Known mail-XSS and phishing constructs (Data/mail-xss.json: forms and their controls, meta refresh,
/// base, link, style and @import, svg and math namespace confusion, noscript and comment tricks, javascript:
/// and data: links however spelled, frames, objects, tracking pixels in every attribute, overlays, url() and
/// expression() in CSS, event handlers) put in an entry's HTML: the HTML part of the alert email keeps none of
/// them, and keeps the harmless text around them.</summary>
public sealed class MailSanitiserCorpusTests
{
    private static readonly HashSet<string> AllowedTags = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "abbr", "acronym", "address", "article", "aside", "b", "bdi", "bdo", "big", "blockquote", "br", "caption",
        "center", "cite", "code", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "font", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "ins", "kbd", "li", "main", "mark", "ol", "p", "pre", "q",
        "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strike", "strong", "sub", "sup", "table", "tbody",
        "td", "tfoot", "th", "thead", "time", "tr", "tt", "u", "ul", "var", "wbr",
    };

    private static readonly HashSet<string> AllowedAttributes = new(StringComparer.OrdinalIgnoreCase)
    {
        "href", "rel", "title", "colspan", "rowspan", "scope", "dir", "lang", "datetime", "start",
    };

    public sealed record Case(string Name, string Html, string[] Absent)
    {
        public override string ToString() => Name;
    }

    public static TheoryData<Case> Corpus()
    {
        var path = Path.Combine(AggregatorProcess.RepositoryRoot, "tests", "Aggregator.Tests", "Notifications", "Data", "mail-xss.json");
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var data = new TheoryData<Case>();
        foreach (var item in json.RootElement.EnumerateArray())
            data.Add(new Case(item.GetProperty("case").GetString()!, item.GetProperty("html").GetString()!,
                [.. item.GetProperty("absent").EnumerateArray().Select(a => a.GetString()!)]));
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void TheHtmlPartKeepsNoneOfItAndKeepsTheTextAroundIt(Case hostile)
    {
        var alert = AlertSamples.Typical() with
        {
            SummaryHtml = $"<p>Harmless text before.</p>{hostile.Html}<p>Harmless text after.</p>",
            Link = "https://example.org/news/item",
        };

        var html = AlertEmail.Build(alert, new MailboxAddress("", "a@example.org"), [new MailboxAddress("", "b@example.org")], DateTimeOffset.UnixEpoch).HtmlBody!;

        var entry = EntryPart(html);
        Assert.Contains("Harmless text before.", entry);
        Assert.Contains("Harmless text after.", entry);
        foreach (var absent in hostile.Absent)
            Assert.DoesNotContain(absent, entry, StringComparison.OrdinalIgnoreCase);
        foreach (var absent in new[] { "javascript", "onerror", "<script", "<form", "<input", "<iframe", "<svg", "<math", "url(", "expression(" })
            Assert.DoesNotContain(absent, html, StringComparison.OrdinalIgnoreCase);

        // Whatever a construct turned into, only allowed elements and attributes, and absolute http(s)/mailto links, remain.
        using var document = new HtmlParser().ParseDocument($"<div>{entry}</div>");
        foreach (var element in document.Body!.Descendants<IElement>().Skip(1))
        {
            Assert.Contains(element.LocalName, AllowedTags);
            foreach (var attribute in element.Attributes)
                Assert.Contains(attribute.Name, AllowedAttributes);
            if (element.GetAttribute("href") is { } href)
            {
                Assert.Matches("^(https?://|mailto:)", href);
                Assert.Equal("noopener noreferrer", element.GetAttribute("rel"));
            }
        }
        Assert.Empty(document.Body!.Descendants<IComment>());
    }

    /// <summary>The sanitised entry HTML inside the email's HTML part (our own wrapper has styles and a meta tag).</summary>
    private static string EntryPart(string html)
    {
        const string start = "<div style=\"margin-top: 1em\">";
        var from = html.IndexOf(start, StringComparison.Ordinal);
        Assert.True(from >= 0, "the HTML part shows no entry HTML: " + html);
        from += start.Length;
        var to = html.LastIndexOf("</div>\n<p style=\"color: #777", StringComparison.Ordinal);
        return html[from..to];
    }
}
