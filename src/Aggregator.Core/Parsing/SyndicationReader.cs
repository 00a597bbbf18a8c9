using System.ServiceModel.Syndication;
using System.Xml;

namespace Aggregator.Parsing;

/// <summary>RSS 2.0 and Atom 1.0 through System.ServiceModel.Syndication, mapped to our entry model.
/// It is strict: any document it rejects (undeclared entities, odd URIs, ...) goes to <see cref="XmlFeedReader"/>.</summary>
internal static class SyndicationReader
{
    public static ParsedFeed? TryRead(string xml, string version, Uri? source)
    {
        SyndicationFeedFormatter formatter = version == "atom10" ? new Atom10FeedFormatter<ReadFeed>() : new Rss20FeedFormatter<ReadFeed>();
        // By default one unreadable date throws away the whole feed; ours never fails, and MinValue stands for "no date".
        formatter.DateTimeParser = (XmlDateTimeData data, out DateTimeOffset value) =>
        {
            value = FeedDates.Parse(data.DateTimeString) ?? DateTimeOffset.MinValue;
            return true;
        };
        try
        {
            using (var reader = XmlReader.Create(new StringReader(xml), XmlFeedReader.Settings)) formatter.ReadFrom(reader);
            return Map(formatter.Feed, version, source);
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

    private static ParsedFeed Map(SyndicationFeed feed, string version, Uri? source)
    {
        var atom = version == "atom10";
        var entries = feed.Items.Select(item => Map(item, atom, source)).ToList();
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
        return new ParsedFeed(version, HtmlText.ToPlainText(feed.Title?.Text), Absolute(link, source), entries) { Ttl = FeedTtl.From(ttl, period, frequency) };
    }

    private static ParsedEntry Map(SyndicationItem item, bool atom, Uri? source)
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
            Published = Date(item.PublishDate),
            Updated = Date(item.LastUpdatedTime),
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

        if (item is ReadItem read) Merge(read.Extensions, entry);
        foreach (var extension in item.ElementExtensions)
        {
            using var reader = extension.GetReader();
            reader.MoveToContent();
            XmlFeedReader.ReadExtension(reader, entry);
        }
        return entry.Build();
    }

    /// <summary>The extension elements read while Syndication parsed the item, applied as
    /// <see cref="XmlFeedReader.ReadExtension"/> applies them on our own path.</summary>
    private static void Merge(EntryBuilder extensions, EntryBuilder entry)
    {
        if (extensions.Content is not null) (entry.Content, entry.ContentIsText) = (extensions.Content, false);
        if (entry.Title is null && extensions.Title is not null) (entry.Title, entry.TitleIsText) = (extensions.Title, false);
        entry.Summary ??= extensions.Summary;
        entry.Author = extensions.Author ?? entry.Author;
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

        protected override bool TryParseElement(XmlReader reader, string version) => XmlFeedReader.ReadExtension(reader, Extensions);
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

    private static string? Date(DateTimeOffset value) => value == default || value == DateTimeOffset.MinValue ? null : value.ToString("O");

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
            resolved = null; // no usable xml:base (relative, or not a URI at all): the feed's own URL decides
        }
        return Links.Resolve((resolved ?? link.Uri).OriginalString, source);
    }
}
