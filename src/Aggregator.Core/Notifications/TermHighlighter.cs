using System.Net;
using System.Text;
using Aggregator.Rules;

namespace Aggregator.Notifications;

/// <summary>Turns plain text into HTML-escaped text with the matched terms wrapped in &lt;mark&gt;.
/// Works on the plain summary, never on the entry's own HTML: feed HTML is untrusted (scripts, tracking
/// pixels, broken markup) and escaping plain text is the one way to be sure none of it reaches the reader.</summary>
public static class TermHighlighter
{
    public static string ToHtml(string text, IReadOnlyList<string> terms)
    {
        var html = new StringBuilder(text.Length + 64);
        var last = 0;
        foreach (var (start, length) in Marks(text, terms))
        {
            html.Append(WebUtility.HtmlEncode(text[last..start]));
            html.Append("<mark>").Append(WebUtility.HtmlEncode(text.Substring(start, length))).Append("</mark>");
            last = start + length;
        }
        html.Append(WebUtility.HtmlEncode(text[last..]));
        return html.ToString();
    }

    /// <summary>Where the terms occur in <paramref name="text"/>, in order and not overlapping, as (start, length).
    /// Words are compared as the matcher compares them (Rules/TextTokens: case, accents, Arabic letter forms and
    /// attached prefixes), so a term marks what made it hit: "Хезболл*" marks "Хезболлы", "إيران" marks
    /// "وإيران". Whole words only, so the term "war" does not light up "software"; a trailing * extends to the
    /// end of the word; a phrase's words may be split by any spaces or punctuation, as in matching. Punctuation
    /// written before or after a term's words must be there too ("C++" marks "C++", not the "C" of "C#"). The
    /// term with the most words wins, so "new york times" over "new york". A /regex/ term marks nothing.</summary>
    public static IReadOnlyList<(int Start, int Length)> Marks(string text, IReadOnlyList<string> terms)
    {
        var patterns = terms.Select(Pattern).OfType<TermPattern>().ToList();
        if (patterns.Count == 0 || string.IsNullOrEmpty(text)) return [];

        var words = new List<(int Start, int End, string Folded, string[]? Stripped)>();
        foreach (var (start, length) in TextTokens.Words(text))
        {
            var folded = TextTokens.Fold(text.AsSpan(start, length));
            if (folded.Length > 0) words.Add((start, start + length, folded, TextTokens.StrippedForms(folded)));
        }

        var marks = new List<(int Start, int Length)>();
        var marked = 0; // where the last mark ended
        for (var i = 0; i < words.Count;)
        {
            (int Start, int End, int Words) best = default;
            foreach (var pattern in patterns)
            {
                var count = pattern.Words.Length;
                if (count <= best.Words || i + count > words.Count || !Fits(pattern.Words, words, i)) continue;
                var start = words[i].Start - pattern.Lead.Length;
                var end = words[i + count - 1].End + pattern.Tail.Length;
                if (start < marked || end > text.Length
                    || !text.AsSpan(start, pattern.Lead.Length).Equals(pattern.Lead, StringComparison.OrdinalIgnoreCase)
                    || !text.AsSpan(end - pattern.Tail.Length, pattern.Tail.Length).Equals(pattern.Tail, StringComparison.OrdinalIgnoreCase))
                    continue;
                best = (start, end, count);
            }
            if (best.Words == 0)
            {
                i++;
                continue;
            }
            marks.Add((best.Start, best.End - best.Start));
            marked = best.End;
            i += best.Words;
        }
        return marks;
    }

    private static bool Fits(QueryWord[] pattern, List<(int Start, int End, string Folded, string[]? Stripped)> words, int at)
    {
        for (var j = 0; j < pattern.Length; j++)
        {
            var word = words[at + j];
            if (pattern[j].Matches(word.Folded) || word.Stripped is { } forms && forms.Any(pattern[j].Matches)) continue;
            return false;
        }
        return true;
    }

    /// <summary>A term as a rule reports it (iran, "red sea", ukrain*, حزب الله, c++): its folded words and the
    /// punctuation written before the first and after the last.</summary>
    private sealed record TermPattern(QueryWord[] Words, string Lead, string Tail);

    private static TermPattern? Pattern(string term)
    {
        var text = term.Trim();
        if (text.Length > 1 && text[0] == '/' && text.LastIndexOf('/') > 0) return null; // a /regex/: no words to mark
        text = text.Trim('"').Trim();
        var words = QueryWord.Parse(text);
        if (words.Length == 0) return null;
        int first = -1, last = 0;
        foreach (var (start, length) in TextTokens.Words(text))
        {
            if (first < 0) first = start;
            last = start + length;
        }
        return new TermPattern(words, text[..first], text[last..].TrimEnd('*'));
    }
}
