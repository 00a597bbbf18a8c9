using System.Buffers;
using System.Net;

namespace Aggregator.Parsing;

/// <summary>HTML to plain text: tags removed (script and style with their content), entities decoded,
/// whitespace (NBSP included) collapsed. A block element (p, div, li, br, td, img...) separates words; an
/// inline one (b, i, a, span, unknown tags...) does not, so "&lt;b&gt;Tehr&lt;/b&gt;an" is "Tehran", as a browser shows
/// it. The one HTML-to-text path: storage, matching, search and alerts all read its output.</summary>
/// <remarks>Every entry's summary and content pass through here, so it works in one pass over a pooled
/// buffer, allocates only the result and each entity it decodes, and keeps no tree: hostile markup (a
/// megabyte of nested or unclosed tags, a flood of '&lt;') costs time in proportion to its length.</remarks>
public static class HtmlText
{
    /// <summary>What ends a run of plain text: markup, an entity, whitespace other than a single space.</summary>
    private static readonly SearchValues<char> RunEnd = SearchValues.Create(
        "<&" + string.Concat(Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(c => c != ' ' && IsWhiteSpace(c))));

    public static string? ToPlainText(string? html)
    {
        if (string.IsNullOrEmpty(html)) return null;
        if (html.AsSpan().IndexOfAny('<', '&') < 0) return Collapse(html);

        var text = new TextBuffer(html.Length);
        try
        {
            var i = 0;
            while (i < html.Length)
            {
                // Words and single spaces, the bulk of any text, are copied a run at a time.
                var rest = html.AsSpan(i);
                var run = rest.IndexOfAny(RunEnd);
                if (run != 0)
                {
                    if (run < 0) run = rest.Length;
                    text.AddRun(rest[..run]);
                    i += run;
                    continue;
                }
                var c = html[i];
                if (c == '<' && i + 1 < html.Length && (char.IsAsciiLetter(html[i + 1]) || html[i + 1] is '/' or '!' or '?'))
                {
                    var end = TagEnd(html, i);
                    if (RawTextElement(html, i) is { } name)
                    {
                        var close = html.IndexOf("</" + name, end, StringComparison.OrdinalIgnoreCase);
                        end = close < 0 ? html.Length : TagEnd(html, close);
                    }
                    // Block-level tags separate words: "<p>one</p><p>two</p>" is "one two", not "onetwo";
                    // inline ones are inside the word: "<b>Tehr</b>an" is "Tehran".
                    if (!HtmlTags.JoinsWords(html.AsSpan(i, end - i))) text.Space();
                    i = end;
                    continue;
                }
                if (c == '&' && Entity(html, i) is { Length: > 0 } entity)
                {
                    foreach (var decoded in WebUtility.HtmlDecode(entity.ToString())) text.Add(decoded);
                    i += entity.Length;
                    continue;
                }
                text.Add(c);
                i++;
            }
            return text.ToText();
        }
        finally
        {
            text.Return();
        }
    }

    /// <summary>Runs of whitespace (including NBSP) become one space; ends trimmed; empty becomes null.</summary>
    public static string? Collapse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (IsCollapsed(text)) return text;
        var buffer = new TextBuffer(text.Length);
        try
        {
            foreach (var c in text) buffer.Add(c);
            return buffer.ToText();
        }
        finally
        {
            buffer.Return();
        }
    }

    private static bool IsWhiteSpace(char c) => char.IsWhiteSpace(c) || c == '\u00A0' || char.IsControl(c);

    /// <summary>Most titles and many texts are already clean: then the string itself is the answer.</summary>
    private static bool IsCollapsed(string text)
    {
        if (IsWhiteSpace(text[0]) || IsWhiteSpace(text[^1])) return false;
        for (var i = 1; i < text.Length; i++)
        {
            var c = text[i];
            if (IsWhiteSpace(c) && (c != ' ' || text[i - 1] == ' ')) return false;
        }
        return true;
    }

    /// <summary>"&amp;name;" or "&amp;#123;" at <paramref name="start"/>, as far as the ';' (entities are short);
    /// empty when there is none, and the '&amp;' is then plain text, as browsers read it.</summary>
    private static ReadOnlySpan<char> Entity(string html, int start)
    {
        var limit = Math.Min(html.Length, start + 34);
        for (var i = start + 1; i < limit; i++)
        {
            var c = html[i];
            if (c == ';') return i > start + 1 ? html.AsSpan(start, i - start + 1) : default;
            if (!char.IsAsciiLetterOrDigit(c) && c != '#') return default;
        }
        return default;
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

    /// <summary>"script" or "style" when the tag at <paramref name="start"/> opens one: their content is code, not text.</summary>
    private static string? RawTextElement(string html, int start)
    {
        var i = start + 1;
        while (i < html.Length && char.IsAsciiLetterOrDigit(html[i])) i++;
        var name = html.AsSpan(start + 1, i - start - 1);
        if (name.Equals("script", StringComparison.OrdinalIgnoreCase)) return "script";
        if (name.Equals("style", StringComparison.OrdinalIgnoreCase)) return "style";
        return null;
    }

    /// <summary>Characters with whitespace collapsed as they are added, in a pooled array.</summary>
    private struct TextBuffer(int capacity)
    {
        private char[] _chars = ArrayPool<char>.Shared.Rent(Math.Max(capacity, 16));
        private int _length;
        private bool _space;

        public void Space() => _space = _length > 0;

        public void Add(char c)
        {
            if (IsWhiteSpace(c))
            {
                _space = _length > 0;
                return;
            }
            // An entity can decode to two characters more than its text had room for ("&#x1F600;" is 2 chars).
            if (_length + 2 > _chars.Length) Grow();
            if (_space) _chars[_length++] = ' ';
            _space = false;
            _chars[_length++] = c;
        }

        /// <summary>Adds text holding no whitespace but single spaces, collapsing it as <see cref="Add"/> would.</summary>
        public void AddRun(ReadOnlySpan<char> run)
        {
            if (run.IndexOf("  ") >= 0)
            {
                foreach (var c in run) Add(c);
                return;
            }
            var start = 0;
            var end = run.Length;
            if (run[0] == ' ')
            {
                _space = _length > 0;
                start = 1;
            }
            var trailing = end > start && run[end - 1] == ' ';
            if (trailing) end--;
            if (end > start)
            {
                while (_length + end - start + 1 > _chars.Length) Grow();
                if (_space) _chars[_length++] = ' ';
                _space = false;
                run[start..end].CopyTo(_chars.AsSpan(_length));
                _length += end - start;
            }
            if (trailing) _space = _length > 0;
        }

        private void Grow()
        {
            var bigger = ArrayPool<char>.Shared.Rent(_chars.Length * 2);
            _chars.AsSpan(0, _length).CopyTo(bigger);
            ArrayPool<char>.Shared.Return(_chars);
            _chars = bigger;
        }

        public readonly string? ToText() => _length == 0 ? null : new string(_chars, 0, _length);

        public readonly void Return() => ArrayPool<char>.Shared.Return(_chars);
    }
}
