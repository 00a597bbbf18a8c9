using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Notifications;

/// <summary>Turns plain text into HTML-escaped text with the matched terms wrapped in &lt;mark&gt;.
/// Works on the plain summary, never on the entry's own HTML: feed HTML is untrusted (scripts, tracking
/// pixels, broken markup) and escaping plain text is the one way to be sure none of it reaches the reader.</summary>
public static class TermHighlighter
{
    public static string ToHtml(string text, IReadOnlyList<string> terms)
    {
        if (BuildPattern(terms) is not { } pattern)
            return WebUtility.HtmlEncode(text);

        var html = new StringBuilder(text.Length + 64);
        var last = 0;
        foreach (Match match in pattern.Matches(text))
        {
            html.Append(WebUtility.HtmlEncode(text[last..match.Index]));
            html.Append("<mark>").Append(WebUtility.HtmlEncode(match.Value)).Append("</mark>");
            last = match.Index + match.Length;
        }
        html.Append(WebUtility.HtmlEncode(text[last..]));
        return html.ToString();
    }

    /// <summary>Whole words only, so the term "war" does not light up "software"; a trailing * (as the rule
    /// syntax writes a prefix) extends to the end of the word. Quotes around a phrase are dropped; its words may be split by any whitespace.
    /// Longest term first, so "new york times" wins over "new york".</summary>
    internal static Regex? BuildPattern(IReadOnlyList<string> terms)
    {
        var alternatives = terms
            .Select(term => term.Trim().Trim('"').Trim())
            .Where(term => term.TrimEnd('*').Length > 0)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .OrderByDescending(term => term.Length)
            .Select(term => term.EndsWith('*')
                ? Escape(term.TrimEnd('*')) + @"\w*"
                : Escape(term))
            .ToList();
        if (alternatives.Count == 0)
            return null;
        return new Regex(
            $@"(?<!\w)(?:{string.Join('|', alternatives)})(?!\w)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
    }

    /// <summary>A phrase matches across a line break or a double space, as the summary text may wrap.</summary>
    private static string Escape(string term) => Regex.Escape(term).Replace(@"\ ", @"\s+", StringComparison.Ordinal);
}
