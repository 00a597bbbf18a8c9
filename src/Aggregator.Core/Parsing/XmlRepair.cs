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
            if (entity is "&amp;" or "&lt;" or "&gt;" or "&quot;" or "&apos;" || entity[1] == '#')
            {
                text.Append(entity.Replace("&#X", "&#x", StringComparison.Ordinal));
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
