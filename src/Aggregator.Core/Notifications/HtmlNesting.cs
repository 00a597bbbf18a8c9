namespace Aggregator.Notifications;

/// <summary>How deep an HTML parser would nest the elements of a document, found in one linear pass over the
/// text without building a tree, so that HTML too deep to turn into a tree in good time is refused first
/// (AngleSharp's tree building, and so HtmlSanitizer's, takes time growing with the square of the depth: 30,000
/// nested &lt;div&gt; took 17 s).</summary>
/// <remarks>
/// It follows what the HTML parser (WHATWG tree construction, as AngleSharp parses for HtmlSanitizer) does with the stack of open elements, closely enough to err high, never low: void elements
/// (br, img, hr...) do not nest; raw text (script, style, textarea...) and comments hide what is in them;
/// an end tag closes what the parser would close (an element's own end tag, optional ends such as p and li
/// under a block's end tag, table parts under the table's) and nothing when the parser would ignore it; a
/// formatting element (b, i, a...) closed by another element's end tag stays counted, as the parser reopens
/// it at the next text. Tables count the tbody and tr the parser inserts. The stack never holds more than
/// limit + 1 names, so the pass costs O(length × limit) at worst.
/// </remarks>
public static class HtmlNesting
{
    private static readonly HashSet<string> Void = new(StringComparer.Ordinal)
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input", "keygen",
        "link", "meta", "param", "source", "track", "wbr",
    };

    /// <summary>Their content is text up to their own end tag (in HTML, not inside svg or math). noscript too:
    /// HtmlSanitizer's parser reads it as a browser with scripting on does.</summary>
    private static readonly HashSet<string> RawText = new(StringComparer.Ordinal)
    {
        "iframe", "noembed", "noframes", "noscript", "script", "style", "textarea", "title", "xmp",
    };

    private static readonly HashSet<string> Formatting = new(StringComparer.Ordinal)
    {
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    };

    /// <summary>The parser's "special" elements: an end tag of an ordinary element is ignored rather than close one.</summary>
    private static readonly HashSet<string> Special = new(StringComparer.Ordinal)
    {
        "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote", "body", "br",
        "button", "caption", "center", "col", "colgroup", "dd", "details", "dir", "div", "dl", "dt", "embed", "fieldset",
        "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head",
        "header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li", "link", "listing", "main", "marquee",
        "menu", "meta", "nav", "noembed", "noframes", "noscript", "object", "ol", "p", "param", "plaintext", "pre",
        "script", "search", "section", "select", "source", "style", "summary", "table", "tbody", "td", "template",
        "textarea", "tfoot", "th", "thead", "title", "tr", "track", "ul", "wbr", "xmp",
        "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc",
    };

    /// <summary>Where the parser stops looking for an element "in scope": an end tag above one of these is ignored.</summary>
    private static readonly HashSet<string> ScopeBoundary = new(StringComparer.Ordinal)
    {
        "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template",
        "mi", "mo", "mn", "ms", "mtext", "annotation-xml", "foreignobject", "desc",
    };

    /// <summary>End tags that close every element above their own (the parser's "generate implied end tags", then
    /// pop until the element), when it is in scope.</summary>
    private static readonly HashSet<string> ClosesAbove = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "button", "center", "details", "dialog", "dir", "div", "dl",
        "fieldset", "figcaption", "figure", "footer", "header", "hgroup", "listing", "main", "menu", "nav", "ol", "pre",
        "search", "section", "summary", "ul", "li", "dd", "dt", "p", "h1", "h2", "h3", "h4", "h5", "h6",
    };

    /// <summary>Table parts: their end tag closes everything above them up to the nearest table.</summary>
    private static readonly HashSet<string> TablePart = new(StringComparer.Ordinal)
    {
        "table", "caption", "colgroup", "tbody", "thead", "tfoot", "tr", "td", "th",
    };

    /// <summary>Start tags that first close an open p (one "in button scope").</summary>
    private static readonly HashSet<string> ClosesP = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "fieldset",
        "figcaption", "figure", "footer", "header", "hgroup", "main", "menu", "nav", "ol", "p", "search", "section",
        "summary", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "listing", "form", "li", "dd", "dt",
    };

    /// <returns>The deepest nesting of elements in <paramref name="html"/>, or a number above
    /// <paramref name="limit"/> as soon as it goes over (the rest is not read).</returns>
    public static int MaxDepth(ReadOnlySpan<char> html, int limit)
    {
        var open = new List<string>(Math.Min(limit, 256) + 4);
        var max = 0;
        var foreign = 0; // svg and math elements open: their content follows other rules (no raw text, "/>" closes)
        var i = 0;
        while (i < html.Length)
        {
            var lt = html[i..].IndexOf('<');
            if (lt < 0) break;
            i += lt;
            var rest = html[i..];
            if (rest.StartsWith("<!--"))
            {
                i += CommentLength(rest);
                continue;
            }
            if (rest.StartsWith("<![CDATA[") && foreign > 0)
            {
                var end = rest.IndexOf("]]>");
                i = end < 0 ? html.Length : i + end + 3;
                continue;
            }
            if (rest.Length > 1 && rest[1] is '!' or '?' || rest.StartsWith("</") && (rest.Length < 3 || !char.IsAsciiLetter(rest[2])))
            {
                // Doctype, bogus comment ("<?...>", "</3>") or "</>": text up to the next '>', or nothing.
                var end = rest.IndexOf('>');
                i = end < 0 ? html.Length : i + end + 1;
                continue;
            }
            var isEnd = rest.Length > 1 && rest[1] == '/';
            var nameStart = isEnd ? 2 : 1;
            if (rest.Length <= nameStart || !char.IsAsciiLetter(rest[nameStart]))
            {
                i++; // a '<' that starts no tag is text
                continue;
            }
            var nameLength = 0;
            while (nameStart + nameLength < rest.Length && rest[nameStart + nameLength] is not ('>' or '/' or ' ' or '\t' or '\n' or '\r' or '\f'))
                nameLength++;
            var name = rest.Slice(nameStart, nameLength).ToString().ToLowerInvariant();
            var tagLength = TagLength(rest, nameStart + nameLength, out var selfClosing);
            if (tagLength < 0) break; // the document ends inside the tag: the parser drops it
            i += tagLength;

            if (isEnd)
            {
                Close(open, name, ref foreign);
                continue;
            }
            if (Void.Contains(name) || selfClosing && foreign > 0)
            {
                max = Math.Max(max, open.Count + 1);
                continue;
            }
            if (foreign == 0 && (RawText.Contains(name) || name == "plaintext"))
            {
                max = Math.Max(max, open.Count + 1);
                if (name == "plaintext") break; // the rest of the document is its text
                i += RawTextLength(html[i..], name);
                continue;
            }
            if (foreign == 0)
                CloseImplied(open, name);
            if (foreign == 0 && name is "td" or "th" or "tr" && open.Count > 0 && open[^1] is "table" or "tbody" or "thead" or "tfoot")
            {
                // The parser inserts the missing tbody (and tr) between a table and its rows and cells.
                if (open[^1] == "table") open.Add("tbody");
                if (name != "tr") open.Add("tr");
            }
            open.Add(name);
            if (name is "svg" or "math") foreign++;
            max = Math.Max(max, open.Count);
            if (max > limit) return max;
        }
        return max;
    }

    /// <summary>A comment ends at the first "-->" or "--!>"; "&lt;!--&gt;" and "&lt;!---&gt;" are empty comments.</summary>
    private static int CommentLength(ReadOnlySpan<char> rest)
    {
        if (rest[4..].StartsWith(">")) return 5;
        if (rest[4..].StartsWith("->")) return 6;
        var body = rest[4..];
        var end = body.IndexOf("--");
        while (end >= 0)
        {
            var after = body[(end + 2)..];
            if (after.StartsWith(">")) return 4 + end + 3;
            if (after.StartsWith("!>")) return 4 + end + 4;
            var next = after.IndexOf("--");
            if (next < 0) break;
            end += 2 + next;
        }
        return rest.Length; // unclosed: the rest is comment
    }

    /// <summary>Length of a tag up to and including its '>', skipping quoted attribute values; -1 when the text
    /// ends first.</summary>
    private static int TagLength(ReadOnlySpan<char> rest, int from, out bool selfClosing)
    {
        selfClosing = false;
        var afterEquals = false;
        for (var j = from; j < rest.Length; j++)
        {
            var c = rest[j];
            if (c == '>')
            {
                selfClosing = j > from && rest[j - 1] == '/';
                return j + 1;
            }
            if (c == '=')
            {
                afterEquals = true;
                continue;
            }
            if (afterEquals && c is '"' or '\'')
            {
                var close = rest[(j + 1)..].IndexOf(c);
                if (close < 0) return -1;
                j += close + 1;
                afterEquals = false;
                continue;
            }
            if (afterEquals && c is not (' ' or '\t' or '\n' or '\r' or '\f'))
                afterEquals = false; // an unquoted value: it ends at whitespace or '>'
        }
        return -1;
    }

    /// <summary>Length of raw text up to and including its end tag ("&lt;/script" then whitespace, '/' or '>').</summary>
    private static int RawTextLength(ReadOnlySpan<char> text, string name)
    {
        var at = 0;
        while (true)
        {
            var end = text[at..].IndexOf("</", StringComparison.Ordinal);
            if (end < 0) return text.Length;
            at += end + 2;
            var candidate = text[at..];
            if (candidate.Length >= name.Length && candidate[..name.Length].Equals(name, StringComparison.OrdinalIgnoreCase)
                && (candidate.Length == name.Length || candidate[name.Length] is '>' or '/' or ' ' or '\t' or '\n' or '\r' or '\f'))
            {
                var close = candidate.IndexOf('>');
                return close < 0 ? text.Length : at + close + 1;
            }
        }
    }

    /// <summary>What a start tag closes first: an open p, a li before a li, a dd or dt before either, a
    /// heading before a heading, an option before an option.</summary>
    private static void CloseImplied(List<string> open, string name)
    {
        if (ClosesP.Contains(name) && InScope(open, "p", button: true) is var p and >= 0)
            PopFrom(open, p);
        if (name is "li" or "dd" or "dt")
        {
            for (var j = open.Count - 1; j >= 0; j--)
            {
                var node = open[j];
                if (name == "li" ? node == "li" : node is "dd" or "dt")
                {
                    PopFrom(open, j);
                    break;
                }
                if (Special.Contains(node) && node is not ("address" or "div" or "p")) break;
            }
        }
        if (name is "h1" or "h2" or "h3" or "h4" or "h5" or "h6" && open.Count > 0 && open[^1] is "h1" or "h2" or "h3" or "h4" or "h5" or "h6")
            open.RemoveAt(open.Count - 1);
        if (name == "option" && open.Count > 0 && open[^1] == "option")
            open.RemoveAt(open.Count - 1);
    }

    private static void Close(List<string> open, string name, ref int foreign)
    {
        if (open.Count == 0) return;
        if (open[^1] == name)
        {
            open.RemoveAt(open.Count - 1);
            if (name is "svg" or "math") foreign--;
            return;
        }
        if (foreign > 0) return; // inside svg or math only an exact close counts here
        int at;
        if (TablePart.Contains(name))
        {
            at = -1;
            for (var j = open.Count - 1; j >= 0; j--)
            {
                if (open[j] == name) { at = j; break; }
                if (open[j] is "table" or "template" or "html") break;
            }
        }
        else if (ClosesAbove.Contains(name))
        {
            at = InScope(open, name, button: name == "p", list: name == "li");
        }
        else
        {
            // A formatting element's or any other end tag: the parser closes it only when no special element is above it.
            at = -1;
            for (var j = open.Count - 1; j >= 0; j--)
            {
                if (open[j] == name) { at = j; break; }
                if (Special.Contains(open[j])) break;
            }
        }
        if (at >= 0)
            PopFrom(open, at);
    }

    /// <returns>Where <paramref name="name"/> is open "in scope", or -1.</returns>
    private static int InScope(List<string> open, string name, bool button = false, bool list = false)
    {
        for (var j = open.Count - 1; j >= 0; j--)
        {
            var node = open[j];
            if (node == name) return j;
            if (ScopeBoundary.Contains(node) || button && node == "button" || list && node is "ol" or "ul") return -1;
        }
        return -1;
    }

    /// <summary>Closes the element at <paramref name="at"/> and all above it, but keeps the formatting elements
    /// above it open: the parser reopens them at the next text.</summary>
    private static void PopFrom(List<string> open, int at)
    {
        var write = at;
        for (var j = at + 1; j < open.Count; j++)
            if (Formatting.Contains(open[j]))
                open[write++] = open[j];
        open.RemoveRange(write, open.Count - write);
    }
}
