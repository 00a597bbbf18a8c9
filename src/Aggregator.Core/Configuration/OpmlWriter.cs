using System.Globalization;
using System.Xml;

namespace Aggregator.Configuration;

/// <summary>Writes feeds as OPML 2.0 the way Feedly, Inoreader, Miniflux and newsboat import it: one
/// &lt;outline type="rss" text title xmlUrl htmlUrl&gt; per feed, inside a folder outline per tag (a feed with several
/// tags is listed in each, as those readers export it), feeds without tags at the top.</summary>
public static class OpmlWriter
{
    public static void Write(Stream output, IReadOnlyList<OpmlFeed> feeds, DateTimeOffset now)
    {
        using var writer = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new System.Text.UTF8Encoding(false) });
        writer.WriteStartDocument();
        writer.WriteStartElement("opml");
        writer.WriteAttributeString("version", "2.0");
        writer.WriteStartElement("head");
        writer.WriteElementString("title", "Aggregator subscriptions");
        writer.WriteElementString("dateCreated", now.UtcDateTime.ToString("r", CultureInfo.InvariantCulture));
        writer.WriteEndElement();
        writer.WriteStartElement("body");
        var folders = feeds.SelectMany(f => f.Folders).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        foreach (var folder in folders)
        {
            writer.WriteStartElement("outline");
            writer.WriteAttributeString("text", folder);
            writer.WriteAttributeString("title", folder);
            foreach (var feed in feeds.Where(f => f.Folders.Contains(folder, StringComparer.OrdinalIgnoreCase))) WriteFeed(writer, feed);
            writer.WriteEndElement();
        }
        foreach (var feed in feeds.Where(f => f.Folders.Count == 0)) WriteFeed(writer, feed);
        writer.WriteEndElement();
        writer.WriteEndElement();
        writer.WriteEndDocument();
    }

    private static void WriteFeed(XmlWriter writer, OpmlFeed feed)
    {
        writer.WriteStartElement("outline");
        writer.WriteAttributeString("type", "rss");
        writer.WriteAttributeString("text", feed.Title ?? feed.XmlUrl);
        writer.WriteAttributeString("title", feed.Title ?? feed.XmlUrl);
        writer.WriteAttributeString("xmlUrl", feed.XmlUrl);
        if (feed.HtmlUrl is not null) writer.WriteAttributeString("htmlUrl", feed.HtmlUrl);
        writer.WriteEndElement();
    }
}
