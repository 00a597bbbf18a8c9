using System.Xml;
using static Aggregator.Parsing.FeedNamespaces;

namespace Aggregator.Parsing;

/// <summary>Our streaming reader for every XML feed format: RSS 0.9x, 1.0 (RDF) and 2.0, Atom 0.3 and 1.0.
/// It reads element by element, so a document that breaks half-way still yields the entries before the break.</summary>
internal sealed class XmlFeedReader
{
    private readonly List<EntryBuilder> _entries = [];
    private readonly List<Uri?> _bases = [];
    private readonly Uri? _source;
    private string? _title;
    private string? _link;
    private string? _ttl;
    private string? _updatePeriod;
    private string? _updateFrequency;
    private string? _language;

    private XmlFeedReader(Uri? source) => _source = source;

    public static XmlReaderSettings Settings { get; } = new()
    {
        // Entities the document declares itself (<!DOCTYPE rss [<!ENTITY agency "IRNA">]>) are expanded,
        // up to MaxCharactersFromEntities in all, so an expansion bomb ("billion laughs") stops at 64 K
        // characters with an XmlException instead of taking gigabytes. No resolver: an external DTD or
        // entity (SYSTEM, PUBLIC) is never fetched, not even RSS 0.91's.
        DtdProcessing = DtdProcessing.Parse,
        MaxCharactersFromEntities = MaxEntityCharacters,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CheckCharacters = false,
        MaxCharactersInDocument = 64L * 1024 * 1024,
    };

    /// <summary>How many characters a document's own entities may expand to, all references together.</summary>
    public const long MaxEntityCharacters = 64 * 1024;

    /// <summary>Reads what it can: every entry whose end tag was read. <paramref name="error"/> is the XML
    /// error that stopped it, if any.</summary>
    /// <param name="problems">Where unreadable dates are reported.</param>
    public static ParsedFeed Read(XmlReader reader, string version, Uri? source, FeedProblems problems, out XmlException? error)
    {
        var feed = new XmlFeedReader(source);
        error = null;
        try
        {
            feed.ReadDocument(reader);
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
        var language = LanguageTag.Primary(feed._language);
        var entries = new List<ParsedEntry>(feed._entries.Count);
        foreach (var entry in feed._entries) entries.Add(entry.Build(problems, entries.Count + 1, language));
        return new ParsedFeed(version, HtmlText.ToPlainText(feed._title), feed._link, entries)
        {
            Ttl = feed.Ttl(),
            Language = language,
        };
    }

    private void ReadDocument(XmlReader reader)
    {
        reader.MoveToContent();
        var rootIsRss = reader.LocalName == "rss";
        var channelDepth = rootIsRss ? 1 : 0; // feed-level elements: rss/channel/x, rdf:RDF/channel/x, feed/x
        var inChannel = !rootIsRss && IsAtom(reader.NamespaceURI);
        _language = reader.XmlLang is { Length: > 0 } rootLanguage ? rootLanguage : null;
        while (!reader.EOF)
        {
            if (reader.NodeType != XmlNodeType.Element)
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "channel") inChannel = false;
                reader.Read();
                continue;
            }
            var depth = reader.Depth;
            SetBase(reader, depth);
            var name = reader.LocalName;
            var ns = reader.NamespaceURI;
            if ((name == "item" && (IsRss(ns) || IsAtom(ns))) || (name == "entry" && IsAtom(ns)))
            {
                // Kept as soon as its end tag is read: in a document cut off right after it, the read past
                // that end tag is what fails.
                _entries.Add(ReadEntry(reader, depth));
                reader.Read();
                continue;
            }
            if (name == "channel" && IsRss(ns) && depth == 1)
            {
                inChannel = true;
                channelDepth = 1;
                reader.Read();
                continue;
            }
            if (inChannel && depth == channelDepth + 1 && ReadFeedElement(reader, name, ns, depth)) continue;
            reader.Read();
        }
    }

    /// <returns>True when the element was consumed.</returns>
    private bool ReadFeedElement(XmlReader reader, string name, string ns, int depth)
    {
        switch (name)
        {
            case "title" when (IsRss(ns) || IsAtom(ns)) && _title is null:
                _title = Text(reader);
                return true;
            case "link" when IsRss(ns) && _link is null:
                var href = reader.GetAttribute("href");
                if (href is not null) reader.Skip();
                _link = Resolve(href ?? Text(reader), depth);
                return true;
            case "link" when IsAtom(ns):
                var rel = reader.GetAttribute("rel") ?? "alternate";
                if (rel == "alternate" && _link is null) _link = Resolve(reader.GetAttribute("href"), depth);
                reader.Skip();
                return true;
            case "ttl" when IsRss(ns):
                _ttl = Text(reader);
                return true;
            case "language" when IsRss(ns) || ns == DublinCore:
                var language = Text(reader);
                if (LanguageTag.Primary(language) is not null) _language = language;
                return true;
            case "updatePeriod" when ns == Syndication:
                _updatePeriod = Text(reader);
                return true;
            case "updateFrequency" when ns == Syndication:
                _updateFrequency = Text(reader);
                return true;
        }
        return false;
    }

    /// <summary>Reads the entry up to its end tag (or, when empty, its start tag) and leaves the reader there.</summary>
    private EntryBuilder ReadEntry(XmlReader reader, int depth)
    {
        var entry = new EntryBuilder();
        var atom = IsAtom(reader.NamespaceURI);
        // RSS 1.0 names each item by its rdf:about URI, which feedparser reports as the id.
        entry.Id = reader.GetAttribute("about", Rdf);
        entry.Language = reader.GetAttribute("lang", Xml);
        entry.InheritedLanguage = reader.XmlLang is { Length: > 0 } inherited ? inherited : null;
        if (reader.IsEmptyElement) return entry;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1)
            {
                reader.Read();
                continue;
            }
            SetBase(reader, depth + 1);
            var line = reader is IXmlLineInfo info ? (info.LineNumber, info.LinePosition) : default;
            if (!ReadEntryElement(reader, entry, depth + 1, atom) || StillAt(reader, line)) reader.Skip();
        }
        if (reader.EOF) throw new XmlException("The document ends inside an entry.");
        return entry;
    }

    /// <summary>A handler that claimed an element but did not read it would loop forever; this catches that.</summary>
    private static bool StillAt(XmlReader reader, (int Line, int Position) before) =>
        reader.NodeType == XmlNodeType.Element && reader is IXmlLineInfo info && (info.LineNumber, info.LinePosition) == before;

    /// <returns>True when the element was consumed.</returns>
    private bool ReadEntryElement(XmlReader reader, EntryBuilder entry, int depth, bool atom)
    {
        var ns = reader.NamespaceURI;
        switch (reader.LocalName)
        {
            case "title" when IsRss(ns) || IsAtom(ns):
                (entry.Title, entry.TitleIsText) = IsAtom(ns) ? AtomText(reader) : (Text(reader), false);
                return true;
            case "link" when IsAtom(ns) || (atom && ns == ""):
                ReadAtomLink(reader, entry, depth);
                return true;
            case "link" when IsRss(ns) && reader.GetAttribute("href") is not null:
                ReadAtomLink(reader, entry, depth); // Atom-style links in RSS, which feedparser accepts
                return true;
            case "link" when IsRss(ns):
                entry.Link = Resolve(Text(reader), depth);
                return true;
            case "id" when ns == "" && !atom:
                var id = Text(reader);
                entry.Id ??= id;
                return true;
            case "updated" when ns == "" && !atom:
                entry.Updated = Text(reader);
                return true;
            case "summary" when ns == "" && !atom:
                var summary = Text(reader);
                entry.Summary ??= summary;
                return true;
            case "guid" when IsRss(ns):
                entry.GuidIsPermaLink = !string.Equals(reader.GetAttribute("isPermaLink")?.Trim(), "false", StringComparison.OrdinalIgnoreCase);
                entry.Id = Text(reader);
                return true;
            case "id" when IsAtom(ns):
                // feedparser treats an Atom id like a permalink guid: the link when there is no other.
                entry.GuidIsPermaLink = true;
                entry.Id = Text(reader);
                return true;
            case "description" when IsRss(ns):
                entry.Summary = Text(reader);
                return true;
            case "summary" when IsAtom(ns):
                (entry.Summary, entry.SummaryIsText) = AtomText(reader);
                return true;
            case "content" when IsAtom(ns):
                (entry.Content, entry.ContentIsText) = AtomText(reader);
                return true;
            case "pubDate" when IsRss(ns):
            case "published" when IsAtom(ns):
            case "issued" when IsAtom(ns):
                entry.Published = Text(reader);
                return true;
            case "updated" when IsAtom(ns):
            case "modified" when IsAtom(ns):
                entry.Updated = Text(reader);
                return true;
            case "author" when IsAtom(ns):
                entry.Author = AtomPerson(reader) ?? entry.Author;
                return true;
            case "author" when IsRss(ns):
                entry.Author = Text(reader) ?? entry.Author;
                return true;
            case "category" when IsAtom(ns):
                if (reader.GetAttribute("term") is { Length: > 0 } term) entry.Categories.Add(term.Trim());
                reader.Skip();
                return true;
            case "category" when IsRss(ns):
                if (HtmlText.Collapse(Text(reader)) is { } category) entry.Categories.Add(category);
                return true;
            case "enclosure" when IsRss(ns):
                entry.AddEnclosure(Enclosure.Create(Resolve(reader.GetAttribute("url"), depth), reader.GetAttribute("type"), reader.GetAttribute("length")));
                reader.Skip();
                return true;
        }
        return ReadExtension(reader, entry);
    }

    /// <summary>Elements of the common extension namespaces (Dublin Core, content:, media:, iTunes), shared
    /// with the Syndication path so both read them the same way. Consumes the element when it returns true.</summary>
    public static bool ReadExtension(XmlReader reader, EntryBuilder entry)
    {
        switch (reader.NamespaceURI, reader.LocalName)
        {
            case (Content, "encoded"):
                entry.Content = Text(reader);
                entry.ContentIsText = false;
                return true;
            case (DublinCore, "title"):
            case (Media, "title"):
                var title = Text(reader);
                entry.FallbackTitle ??= title;
                return true;
            case (DublinCore, "language"):
                var language = Text(reader);
                if (LanguageTag.Primary(entry.Language) is null) entry.Language = language;
                return true;
            case (DublinCore, "description"):
                var description = Text(reader);
                entry.Summary ??= description;
                return true;
            case (DublinCore, "creator"):
            case (DublinCore, "author"):
                entry.Author = Text(reader) ?? entry.Author;
                return true;
            case (ITunes or ITunesOld, "author"):
                entry.ITunesAuthor = Text(reader) ?? entry.ITunesAuthor;
                return true;
            case (DcTerms, "issued"):
                entry.Published = Text(reader);
                return true;
            case (DublinCore, "date"):
            case (DcTerms, "modified"):
                entry.Updated = Text(reader);
                return true;
            case (DublinCore, "subject"):
                if (HtmlText.Collapse(Text(reader)) is { } subject) entry.Categories.Add(subject);
                return true;
            case (Media, "content"):
                entry.AddEnclosure(Enclosure.Create(reader.GetAttribute("url"), reader.GetAttribute("type"), reader.GetAttribute("fileSize")));
                ReadChildExtensions(reader, entry); // a media:title inside stands in for a missing title
                return true;
            case (Media, "group"):
                // Several renditions of one file: each media:content is an enclosure; the group's media:title counts too.
                ReadChildExtensions(reader, entry);
                return true;
        }
        return false;
    }

    private static void ReadChildExtensions(XmlReader reader, EntryBuilder entry)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }
        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || !ReadExtension(reader, entry)) reader.Read();
        }
        reader.Read();
    }

    /// <summary>An Atom text construct: type text, html, xhtml, or (Atom 0.3 mode, or a MIME type) base64.</summary>
    private static (string? Text, bool IsPlain) AtomText(XmlReader reader)
    {
        var type = reader.GetAttribute("type")?.Trim().ToLowerInvariant();
        var mode = reader.GetAttribute("mode")?.Trim().ToLowerInvariant();
        var src = reader.GetAttribute("src");
        var text = Text(reader);
        var base64 = mode == "base64" || type is not (null or "text" or "html" or "xhtml") && !type.StartsWith("text/", StringComparison.Ordinal)
            && !type.EndsWith("xml", StringComparison.Ordinal);
        if (base64 && text is not null)
        {
            try
            {
                text = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text.Trim()));
            }
            catch (FormatException)
            {
            }
        }
        var plain = src is not null && text is null || type is null or "text" or "text/plain" && mode != "escaped" && !base64;
        return (text, plain && !base64);
    }

    private void ReadAtomLink(XmlReader reader, EntryBuilder entry, int depth)
    {
        var rel = reader.GetAttribute("rel")?.Trim() ?? "alternate";
        var type = reader.GetAttribute("type")?.Trim().ToLowerInvariant();
        var href = reader.GetAttribute("href");
        var length = reader.GetAttribute("length");
        if (href is null) href = Text(reader); // Atom 0.3 feeds sometimes put the URL in the element
        else reader.Skip();
        href = Resolve(href, depth);
        if (rel == "enclosure") entry.AddEnclosure(Enclosure.Create(href, type, length));
        if (rel != "alternate" || href is null) return;
        if (type is null or "text/html" or "application/xhtml+xml" or "html" or "xhtml") entry.AlternateHtmlLink ??= href;
        else entry.AlternateOtherLink ??= href;
    }

    /// <summary>"Name (email)" like feedparser, or whichever of the two is given.</summary>
    private static string? AtomPerson(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return null;
        }
        var depth = reader.Depth;
        string? name = null, email = null;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
            {
                switch (reader.LocalName)
                {
                    case "name": name = HtmlText.Collapse(Text(reader)); continue;
                    case "email": email = HtmlText.Collapse(Text(reader)); continue;
                    default: reader.Skip(); continue;
                }
            }
            reader.Read();
        }
        reader.Read();
        return name is not null && email is not null ? $"{name} ({email})" : name ?? email;
    }

    /// <summary>An element's content as a string: text and CDATA as they are, child elements as markup
    /// (XHTML content, or HTML a feed forgot to escape). Leaves the reader after the element.</summary>
    internal static string? Text(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return null;
        }
        var depth = reader.Depth;
        reader.Read();
        string? single = null;
        System.Text.StringBuilder? text = null;
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            string piece;
            switch (reader.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    piece = reader.Value;
                    reader.Read();
                    break;
                case XmlNodeType.Element:
                    piece = reader.ReadOuterXml();
                    break;
                default:
                    reader.Read();
                    continue;
            }
            if (single is null && text is null) single = piece;
            else (text ??= new System.Text.StringBuilder(single)).Append(piece);
        }
        reader.Read();
        return text?.ToString() ?? single;
    }

    private void SetBase(XmlReader reader, int depth)
    {
        while (_bases.Count <= depth) _bases.Add(null);
        var parent = depth > 0 ? _bases[depth - 1] : _source;
        var declared = reader.GetAttribute("base", Xml)?.Trim();
        // A relative xml:base with nothing absolute above it is no base: links under it stay as written
        // (on Unix "/blog/" would parse as an absolute file: URI).
        _bases[depth] = declared is null ? parent
            : parent is not null && Uri.TryCreate(parent, declared, out var resolved) ? resolved
            : !declared.StartsWith('/') && Uri.TryCreate(declared, UriKind.Absolute, out var absolute) ? absolute
            : parent;
    }

    private string? Resolve(string? link, int depth) => Links.Resolve(link, depth < _bases.Count ? _bases[depth] : _source);

    private TimeSpan? Ttl() => FeedTtl.From(_ttl, _updatePeriod, _updateFrequency);
}
