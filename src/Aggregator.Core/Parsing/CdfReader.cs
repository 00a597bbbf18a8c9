using System.Xml;

namespace Aggregator.Parsing;

/// <summary>Microsoft's Channel Definition Format (1997), still met in old archives and intranets:
/// &lt;CHANNEL HREF BASE LASTMOD&gt; with &lt;TITLE&gt;, &lt;ABSTRACT&gt; and &lt;ITEM HREF LASTMOD&gt;,
/// element and attribute names in any case, channels nested in channels.</summary>
internal static class CdfReader
{
    public static bool IsCdf(string rootName) => rootName.Equals("channel", StringComparison.OrdinalIgnoreCase) && rootName != "channel";

    public static ParsedFeed Read(XmlReader reader, Uri? source, FeedProblems problems, out XmlException? error)
    {
        string? title = null, link = null;
        var entries = new List<EntryBuilder>();
        var bases = new Stack<Uri?>();
        error = null;
        try
        {
            reader.MoveToContent();
            while (!reader.EOF)
            {
                if (reader.NodeType == XmlNodeType.EndElement && Is(reader, "channel"))
                {
                    if (bases.Count > 0) bases.Pop();
                    reader.Read();
                    continue;
                }
                if (reader.NodeType != XmlNodeType.Element)
                {
                    reader.Read();
                    continue;
                }
                if (Is(reader, "channel"))
                {
                    var parent = bases.Count > 0 ? bases.Peek() : source;
                    var declared = Attribute(reader, "base");
                    bases.Push(declared is not null && Uri.TryCreate(parent, declared.Trim(), out var based) ? based : parent);
                    if (bases.Count == 1) link = Attribute(reader, "href")?.Trim();
                    if (reader.IsEmptyElement) bases.Pop();
                    reader.Read();
                    continue;
                }
                if (Is(reader, "item"))
                {
                    entries.Add(ReadItem(reader, bases.Count > 0 ? bases.Peek() : source));
                    reader.Read();
                    continue;
                }
                if (Is(reader, "title") && bases.Count == 1 && title is null)
                {
                    title = XmlFeedReader.Text(reader);
                    continue;
                }
                reader.Read();
            }
        }
        catch (XmlException ex)
        {
            error = ex;
        }
        catch (ArgumentException ex)
        {
            // A character reference XML forbids (&#xD800;, a lone surrogate) passes the lenient reader and fails only
            // when the text is written out; the loose pass repairs it like any other XML error.
            error = new XmlException(ex.Message, ex);
        }
        var built = new List<ParsedEntry>(entries.Count);
        foreach (var entry in entries) built.Add(entry.Build(problems, built.Count + 1, null));
        return new ParsedFeed("cdf", HtmlText.ToPlainText(title), link, built);
    }

    /// <summary>Reads the item up to its end tag (or, when empty, its start tag) and leaves the reader there.</summary>
    private static EntryBuilder ReadItem(XmlReader reader, Uri? baseUri)
    {
        var entry = new EntryBuilder
        {
            Link = Links.Resolve(Attribute(reader, "href"), baseUri),
            Updated = Attribute(reader, "lastmod"),
        };
        if (reader.IsEmptyElement) return entry;
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1 && Is(reader, "title"))
                entry.Title = XmlFeedReader.Text(reader);
            else if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1 && Is(reader, "abstract"))
                entry.Summary = XmlFeedReader.Text(reader);
            else
                reader.Read();
        }
        if (reader.EOF) throw new XmlException("The document ends inside an item.");
        return entry;
    }

    private static bool Is(XmlReader reader, string name) => reader.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase);

    private static string? Attribute(XmlReader reader, string name)
    {
        for (var i = 0; i < reader.AttributeCount; i++)
        {
            reader.MoveToAttribute(i);
            if (reader.LocalName.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                var value = reader.Value;
                reader.MoveToElement();
                return value;
            }
        }
        reader.MoveToElement();
        return null;
    }
}
