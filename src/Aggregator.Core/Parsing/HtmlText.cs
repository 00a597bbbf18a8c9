using System.Net;
using System.Text;

namespace Aggregator.Parsing;

/// <summary>HTML to plain text: tags removed (script and style with their content), entities decoded,
/// whitespace (NBSP included) collapsed. One small scanner, used for every text field.</summary>
public static class HtmlText
{
    public static string? ToPlainText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return null;
        if (html.AsSpan().IndexOfAny('<', '&') < 0) return Collapse(html);

        var text = new StringBuilder(html.Length);
        var i = 0;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '<' && i + 1 < html.Length && (char.IsAsciiLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
            {
                var end = TagEnd(html, i);
                var name = TagName(html, i);
                if (name is "script" or "style")
                {
                    var close = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                    end = close < 0 ? html.Length : TagEnd(html, close);
                }
                // Block-level tags separate words: "<p>one</p><p>two</p>" is "one two", not "onetwo".
                text.Append(' ');
                i = end;
                continue;
            }
            text.Append(c);
            i++;
        }
        var decoded = WebUtility.HtmlDecode(text.ToString());
        return Collapse(decoded);
    }

    private static int TagEnd(string html, int start)
    {
        if (string.CompareOrdinal(html, start, "<!--", 0, 4) == 0)
        {
            var close = html.IndexOf("-->", start + 4, StringComparison.Ordinal);
            return close < 0 ? html.Length : close + 3;
        }
        var quote = '\0';
        for (var i = start + 1; i < html.Length; i++)
        {
            var c = html[i];
            if (quote != '\0') { if (c == quote) quote = '\0'; }
            else if (c is '"' or '\'') quote = c;
            else if (c == '>') return i + 1;
        }
        return html.Length;
    }

    private static string TagName(string html, int start)
    {
        var i = start + 1;
        while (i < html.Length && char.IsAsciiLetterOrDigit(html[i])) i++;
        return html[(start + 1)..i].ToLowerInvariant();
    }

    /// <summary>Runs of whitespace (including NBSP) become one space; ends trimmed; empty becomes null.</summary>
    public static string? Collapse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var result = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || c == '\u00A0' || char.IsControl(c))
            {
                space = result.Length > 0;
                continue;
            }
            if (space) result.Append(' ');
            space = false;
            result.Append(c);
        }
        return result.Length == 0 ? null : result.ToString();
    }
}
