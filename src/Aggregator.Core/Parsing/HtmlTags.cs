using System.Text;

namespace Aggregator.Parsing;

/// <summary>Whether a tag leaves the words on either side of it joined, as a browser lays them out. Inline
/// elements (a abbr b bdi bdo cite code data dfn em font i kbd mark q rp rt ruby s samp small span strong sub
/// sup time tt u var wbr) sit inside a word: "&lt;b&gt;Tehr&lt;/b&gt;an" reads "Tehran", and feeds that bold a
/// stem or colour a letter must not split the word a rule looks for. Block elements, line breaks, images,
/// form controls and embedded media separate words. A tag we do not know is taken as inline, as browsers do.</summary>
internal static class HtmlTags
{
    /// <summary>The longest name on the block list ("blockquote", "figcaption"); longer names are unknown.</summary>
    private const int MaxNameLength = 10;

    /// <param name="tag">The tag from its '&lt;' on: "&lt;/b&gt;", "&lt;span class=x&gt;", "&lt;!-- … --&gt;".</param>
    public static bool JoinsWords(ReadOnlySpan<char> tag)
    {
        if (tag.Length < 2) return true;
        var i = 1;
        if (tag[i] is '!' or '?') return true; // comments and declarations show nothing
        if (tag[i] == '/') i++;
        var start = i;
        while (i < tag.Length && char.IsAsciiLetterOrDigit(tag[i])) i++;
        var name = tag[start..i];
        if (name.Length is 0 or > MaxNameLength) return true;
        Span<char> lower = stackalloc char[MaxNameLength];
        Ascii.ToLower(name, lower, out var written);
        return !SeparatesWords(lower[..written]);
    }

    private static bool SeparatesWords(ReadOnlySpan<char> name) => name switch
    {
        "address" or "area" or "article" or "aside" or "audio" or "blockquote" or "body" or "br" or "button" or "canvas"
            or "caption" or "center" or "col" or "colgroup" or "dd" or "details" or "dialog" or "dir" or "div" or "dl" or "dt"
            or "embed" or "fieldset" or "figcaption" or "figure" or "footer" or "form" or "frame" or "frameset"
            or "h1" or "h2" or "h3" or "h4" or "h5" or "h6" or "head" or "header" or "hgroup" or "hr" or "html" or "iframe"
            or "img" or "input" or "legend" or "li" or "link" or "main" or "menu" or "meta" or "nav" or "noscript" or "object"
            or "ol" or "optgroup" or "option" or "p" or "param" or "pre" or "script" or "section" or "select" or "source"
            or "style" or "summary" or "svg" or "table" or "tbody" or "td" or "textarea" or "tfoot" or "th" or "thead"
            or "title" or "tr" or "track" or "ul" or "video" => true,
        _ => false,
    };
}
