using System.ServiceModel.Syndication;
using System.Xml;

namespace Aggregator.Parsing;

/// <summary>RSS 2.0 and Atom 1.0 through System.ServiceModel.Syndication, mapped to our entry model.
/// It is strict: any document it rejects (undeclared entities, odd URIs, ...) goes to <see cref="XmlFeedReader"/>.</summary>
internal static class SyndicationReader
{
    /// <param name="problems">Where unreadable dates are reported (a fresh list: a rejected document's are dropped).</param>
    public static ParsedFeed? TryRead(string xml, string version, Uri? source, FeedProblems problems)
    {
        SyndicationFeedFormatter formatter = version == "atom10" ? new Atom10FeedFormatter<ReadFeed>() : new Rss20FeedFormatter<ReadFeed>();
        // By default one unreadable date throws away the whole feed; ours never fails. An unreadable date
        // comes back as the Nth tick of year 1 (no feed dates anything then), N numbering its text in
        // `unreadable`, so EntryBuilder gets the text back and reports it as on our own path.
        var unreadable = new List<string>();
        formatter.DateTimeParser = (XmlDateTimeData data, out DateTimeOffset value) =>
        {
            if (FeedDates.Parse(data.DateTimeString) is { } date) value = date;
            else if (string.IsNullOrWhiteSpace(data.DateTimeString)) value = DateTimeOffset.MinValue;
            else
            {
                unreadable.Add(data.DateTimeString);
                value = new DateTimeOffset(unreadable.Count, TimeSpan.Zero);
            }
            return true;
        };
        try
        {
            using (var reader = XmlReader.Create(new StringReader(xml), XmlFeedReader.Settings)) formatter.ReadFrom(reader);
            return Map(formatter.Feed, version, source, unreadable, problems);
        }
        // Syndication is strict, and what it cannot take it says in more ways than XmlException (NotSupportedException
        // for <rss version="2">, an extension element read as text that holds markup...): whatever it rejects, while
        // reading or while we map what it read, goes to our own reader.
        catch (Exception ex) when (ex is XmlException or FormatException or ArgumentException or InvalidOperationException
                                       or UriFormatException or NotSupportedException or System.Runtime.Serialization.SerializationException)
        {
            return null;
        }
    }

    private static ParsedFeed Map(SyndicationFeed feed, string version, Uri? source, List<string> unreadable, FeedProblems problems)
    {
        var atom = version == "atom10";
        var language = LanguageTag.Primary(feed.Language);
        var entries = new List<ParsedEntry>();
        foreach (var item in feed.Items) entries.Add(Map(item, atom, source, unreadable).Build(problems, entries.Count + 1, language));
        var link = feed.Links.FirstOrDefault(l => l.RelationshipType is null or "alternate");
        string? ttl = null, period = null, frequency = null;
        foreach (var extension in feed.ElementExtensions)
        {
            switch ((extension.OuterNamespace, extension.OuterName))
            {
                case ("", "ttl"): ttl = Value(extension); break;
                case (FeedNamespaces.Syndication, "updatePeriod"): period = Value(extension); break;
                case (FeedNamespaces.Syndication, "updateFrequency"): frequency = Value(extension); break;
            }
        }
        return new ParsedFeed(version, HtmlText.ToPlainText(feed.Title?.Text), Absolute(link, source), entries)
        {
            Ttl = FeedTtl.From(ttl, period, frequency),
            Language = language,
        };
    }

    private static EntryBuilder Map(SyndicationItem item, bool atom, Uri? source, List<string> unreadable)
    {
        var entry = new EntryBuilder
        {
            Id = item.Id,
            // An Atom id is the link when there is no other (feedparser); RSS guids were handled by the formatter.
            GuidIsPermaLink = atom,
            Title = item.Title?.Text,
            // RSS titles and descriptions are HTML in practice; Atom says which it is.
            TitleIsText = atom && item.Title?.Type is null or "text",
            Summary = item.Summary?.Text,
            SummaryIsText = atom && item.Summary?.Type is null or "text",
            Published = Date(item.PublishDate, unreadable),
            Updated = Date(item.LastUpdatedTime, unreadable),
        };
        foreach (var link in item.Links)
        {
            if (link.RelationshipType == "enclosure")
                entry.AddEnclosure(Enclosure.Create(Absolute(link, source), link.MediaType, link.Length > 0 ? link.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : null));
            if (link.RelationshipType is not (null or "alternate")) continue;
            if (!atom && link.Uri?.OriginalString == item.Id)
            {
                // The RSS formatter turns a permalink guid into a link; EntryBuilder decides that, the same way for both paths.
                entry.GuidIsPermaLink = true;
                continue;
            }
            var href = Absolute(link, source);
            if (link.MediaType is null or "text/html" or "application/xhtml+xml") entry.AlternateHtmlLink ??= href;
            else entry.AlternateOtherLink ??= href;
        }
        switch (item.Content)
        {
            // The RSS 2.0 formatter puts <description> into Content; it is the summary, and content:encoded the content.
            case TextSyndicationContent text when !atom:
                entry.Summary = text.Text;
                break;
            case TextSyndicationContent text:
                entry.Content = text.Text;
                entry.ContentIsText = text.Type == "text";
                break;
            case XmlSyndicationContent xmlContent:
                using (var reader = xmlContent.GetReaderAtContent()) entry.Content = reader.ReadInnerXml();
                break;
        }
        var person = item.Authors.LastOrDefault();
        if (person is not null)
            entry.Author = person.Name is { Length: > 0 } name && person.Email is { Length: > 0 } email ? $"{name} ({email})" : person.Name ?? person.Email;
        entry.Categories.AddRange(item.Categories.Select(c => c.Name).Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim()));

        if (item is ReadItem read)
        {
            Merge(read.Extensions, entry);
            entry.Language = read.Language ?? entry.Language;
        }
        foreach (var extension in item.ElementExtensions)
        {
            using var reader = extension.GetReader();
            reader.MoveToContent();
            XmlFeedReader.ReadExtension(reader, entry);
        }
        return entry;
    }

    /// <summary>The extension elements read while Syndication parsed the item, applied as
    /// <see cref="XmlFeedReader.ReadExtension"/> applies them on our own path.</summary>
    private static void Merge(EntryBuilder extensions, EntryBuilder entry)
    {
        if (extensions.Content is not null) (entry.Content, entry.ContentIsText) = (extensions.Content, false);
        entry.FallbackTitle ??= extensions.FallbackTitle;
        entry.Summary ??= extensions.Summary;
        entry.Author = extensions.Author ?? entry.Author;
        entry.ITunesAuthor ??= extensions.ITunesAuthor;
        entry.Language ??= extensions.Language;
        entry.Published = extensions.Published ?? entry.Published;
        entry.Updated = extensions.Updated ?? entry.Updated;
        entry.Categories.AddRange(extensions.Categories);
        foreach (var enclosure in extensions.Enclosures) entry.AddEnclosure(enclosure);
    }

    /// <summary>Syndication buffers every element it does not know (content:encoded, dc:creator…) into an
    /// XmlBuffer for later; an item that reads the ones we use as they pass saves that copy and the re-read.</summary>
    private sealed class ReadItem : SyndicationItem
    {
        public EntryBuilder Extensions { get; } = new();

        /// <summary>The entry's own xml:lang, which the formatter hands over as an unknown attribute.</summary>
        public string? Language { get; private set; }

        protected override bool TryParseElement(XmlReader reader, string version) => XmlFeedReader.ReadExtension(reader, Extensions);

        protected override bool TryParseAttribute(string name, string ns, string value, string version)
        {
            if (name != "lang" || ns != FeedNamespaces.Xml) return false;
            Language = value;
            return true;
        }
    }

    /// <summary>Makes the formatters create <see cref="ReadItem"/>s.</summary>
    private sealed class ReadFeed : SyndicationFeed
    {
        protected override SyndicationItem CreateItem() => new ReadItem();
    }

    private static string Value(SyndicationElementExtension extension)
    {
        using var reader = extension.GetReader();
        return reader.ReadElementContentAsString();
    }

    private static string? Date(DateTimeOffset value, List<string> unreadable) =>
        value == default || value == DateTimeOffset.MinValue ? null
            : value.Ticks <= unreadable.Count ? unreadable[(int)value.Ticks - 1]
            : value.ToString("O");

    private static string? Absolute(SyndicationLink? link, Uri? source)
    {
        if (link?.Uri is null) return null;
        Uri? resolved;
        try
        {
            resolved = link.GetAbsoluteUri(); // against xml:base
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or UriFormatException)
        {
            // No absolute base (a relative xml:base, no feed URL, not a URI at all): the link stays as written, as on our own path.
            resolved = null;
        }
        return Links.Resolve((resolved ?? link.Uri).OriginalString, source);
    }
}
