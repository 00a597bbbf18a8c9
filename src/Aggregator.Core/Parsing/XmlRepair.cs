using System.Net;
using System.Text;

namespace Aggregator.Parsing;

/// <summary>What makes real feeds fail strict XML, fixed so the document can be read: junk before the
/// first tag, HTML entities XML does not declare (&amp;nbsp;, &amp;mdash;), bare ampersands, and control
/// characters XML forbids. Used only after a strict read failed, as feedparser's loose pass.</summary>
internal static class XmlRepair
{
    private static readonly Dictionary<string, string> KnownPrefixes = new(StringComparer.Ordinal)
    {
        ["dc"] = FeedNamespaces.DublinCore, ["dcterms"] = FeedNamespaces.DcTerms, ["content"] = FeedNamespaces.Content,
        ["media"] = FeedNamespaces.Media, ["itunes"] = FeedNamespaces.ITunes, ["atom"] = FeedNamespaces.Atom10,
        ["sy"] = FeedNamespaces.Syndication, ["rdf"] = FeedNamespaces.Rdf,
    };

    /// <summary>How many mismatched end tags one document may have renamed before we give up on it.</summary>
    public const int MaxEndTagFixes = 20;

    private static readonly System.Text.RegularExpressions.Regex MismatchedEndTag =
        new(@"^The '([^']+)' start tag on line \d+ position \d+ does not match the end tag of '([^']+)'", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Tag soup's commonest break, an end tag that is not the one of the element open there
    /// ("&lt;title&gt;…&lt;/subtitle&gt;"): renames that end tag to the open element's name, as a browser
    /// would close the open element. Null when <paramref name="error"/> is another kind of error.</summary>
    public static string? FixEndTag(string xml, System.Xml.XmlException error)
    {
        var match = MismatchedEndTag.Match(error.Message);
        if (!match.Success) return null;
        var (open, found) = (match.Groups[1].Value, match.Groups[2].Value);
        // The error points into the offending end tag: find "</found" at or just before that spot.
        var offset = Offset(xml, error.LineNumber, error.LinePosition);
        if (offset < 0) return null;
        var from = Math.Min(xml.Length - 1, offset + found.Length + 2);
        var tag = xml.LastIndexOf("</" + found, from, Math.Min(from + 1, 64), StringComparison.Ordinal);
        return tag < 0 ? null : string.Concat(xml.AsSpan(0, tag + 2), open, xml.AsSpan(tag + 2 + found.Length));
    }

    private static int Offset(string text, int line, int position)
    {
        var offset = 0;
        for (var l = 1; l < line; l++)
        {
            offset = text.IndexOf('\n', offset) + 1;
            if (offset == 0) return -1;
        }
        return offset + position - 1 < text.Length ? offset + position - 1 : -1;
    }

    public static string Repair(string xml)
    {
        // PHP warnings, BOM debris or comments before the XML declaration: the declaration must come first.
        var declaration = xml.IndexOf("<?xml", StringComparison.Ordinal);
        var start = declaration > 0 ? declaration : xml.IndexOf('<');
        if (start > 0) xml = xml[start..];
        xml = DeclareMissingPrefixes(xml);
        var text = new StringBuilder(xml.Length + 64);
        var i = 0;
        while (i < xml.Length)
        {
            var c = xml[i];
            if (c == '<' && string.CompareOrdinal(xml, i, "<![CDATA[", 0, 9) == 0)
            {
                var end = xml.IndexOf("]]>", i, StringComparison.Ordinal);
                end = end < 0 ? xml.Length : end + 3;
                text.Append(xml, i, end - i);
                i = end;
                continue;
            }
            if (c == '&')
            {
                i = Entity(xml, i, text);
                continue;
            }
            if (c < 0x20 && c is not ('\t' or '\n' or '\r') || c is '\uFFFE' or '\uFFFF')
            {
                i++;
                continue;
            }
            text.Append(c);
            i++;
        }
        return text.ToString();
    }

    private static int Entity(string xml, int at, StringBuilder text)
    {
        var i = at + 1;
        if (i < xml.Length && xml[i] == '#')
        {
            i++;
            while (i < xml.Length && (char.IsAsciiHexDigit(xml[i]) || xml[i] is 'x' or 'X')) i++;
        }
        else
        {
            while (i < xml.Length && char.IsAsciiLetterOrDigit(xml[i])) i++;
        }
        if (i < xml.Length && xml[i] == ';' && i > at + 1)
        {
            var entity = xml[at..(i + 1)];
            if (entity[1] == '#')
            {
                // A reference to a character XML does not allow (NUL, a lone surrogate, beyond U+10FFFF) becomes U+FFFD.
                text.Append(IsXmlChar(entity) ? entity.Replace("&#X", "&#x", StringComparison.Ordinal) : "&#xFFFD;");
            }
            else if (entity is "&amp;" or "&lt;" or "&gt;" or "&quot;" or "&apos;")
            {
                text.Append(entity);
            }
            else
            {
                var decoded = WebUtility.HtmlDecode(entity);
                if (decoded == entity) text.Append("&amp;").Append(entity, 1, entity.Length - 1);
                else foreach (var ch in decoded) text.Append("&#").Append((int)ch).Append(';');
            }
            return i + 1;
        }
        text.Append("&amp;");
        return at + 1;
    }

    private static bool IsXmlChar(string reference)
    {
        var hex = reference.Length > 3 && reference[2] is 'x' or 'X';
        var digits = reference.AsSpan(hex ? 3 : 2, reference.Length - (hex ? 4 : 3));
        if (!int.TryParse(digits, hex ? System.Globalization.NumberStyles.AllowHexSpecifier : System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var code)) return false;
        return code is 0x9 or 0xA or 0xD or (>= 0x20 and <= 0xD7FF) or (>= 0xE000 and <= 0xFFFD) or (>= 0x10000 and <= 0x10FFFF);
    }

    /// <summary>Feeds use media:, dc: and friends without declaring them, which namespace-aware XML rejects:
    /// declare the well-known ones (and a placeholder for others) on the root element.</summary>
    private static string DeclareMissingPrefixes(string xml)
    {
        var used = System.Text.RegularExpressions.Regex.Matches(xml, @"</?([A-Za-z][\w.-]*):[A-Za-z]")
            .Select(m => m.Groups[1].Value).Where(p => p is not ("xml" or "xmlns")).Distinct().ToList();
        var missing = used.Where(p => !xml.Contains($"xmlns:{p}=", StringComparison.Ordinal)).ToList();
        if (missing.Count == 0) return xml;
        var root = System.Text.RegularExpressions.Regex.Match(xml, @"<(?![?!])[A-Za-z][\w.:-]*");
        if (!root.Success) return xml;
        var declarations = string.Concat(missing.Select(p => $" xmlns:{p}=\"{KnownPrefixes.GetValueOrDefault(p, "urn:undeclared:" + p)}\""));
        return xml.Insert(root.Index + root.Length, declarations);
    }
}
