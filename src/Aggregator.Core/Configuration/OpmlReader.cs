using System.Xml;

namespace Aggregator.Configuration;

/// <summary>Reads the subscription lists feed readers export (OPML 1.0 and 2.0: Feedly, Inoreader, Miniflux, newsboat,
/// NetNewsWire...). An outline with an xmlUrl is a feed; the outlines it is nested in are its folders. A feed listed in
/// several folders (Feedly and Inoreader export it once per folder) comes back once, with every folder.</summary>
public static class OpmlReader
{
    /// <summary>Far beyond any subscription list (10,000 feeds are about 2 MB); read no further.</summary>
    public const long MaxBytes = 16 * 1024 * 1024;

    private const int MaxDepth = 32;

    /// <exception cref="ConfigException">The file cannot be read as OPML; the message says where and why.</exception>
    public static (IReadOnlyList<OpmlFeed> Feeds, IReadOnlyList<string> Skipped) Read(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw new ConfigException([$"{path}: no such file"]);
        if (info.Length > MaxBytes) throw new ConfigException([$"{path}: {info.Length / 1048576} MiB is too large for a subscription list (at most {MaxBytes / 1048576} MiB)"]);
        var settings = new XmlReaderSettings
        {
            // Some exporters write a DOCTYPE; nothing in one is needed, and resolving one is how XML attacks start.
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            MaxCharactersInDocument = MaxBytes,
            IgnoreComments = true,
        };
        var feeds = new List<(OpmlFeed Feed, List<string> Folders)>();
        var byUrl = new Dictionary<string, int>(StringComparer.Ordinal);
        var skipped = new List<string>();
        var folders = new Stack<string?>();
        var sawOpml = false;
        try
        {
            using var reader = XmlReader.Create(path, settings);
            while (reader.Read())
            {
                if (reader.NodeType == XmlNodeType.EndElement && reader.LocalName == "outline")
                {
                    folders.Pop();
                    continue;
                }
                if (reader.NodeType != XmlNodeType.Element) continue;
                if (reader.LocalName == "opml") sawOpml = true;
                if (reader.LocalName != "outline") continue;
                if (reader.Depth > MaxDepth) throw new ConfigException([$"{path} line {((IXmlLineInfo)reader).LineNumber}: folders nested over {MaxDepth} deep"]);
                var text = Clean(reader.GetAttribute("title")) ?? Clean(reader.GetAttribute("text"));
                var xmlUrl = Clean(reader.GetAttribute("xmlUrl")) ?? Clean(reader.GetAttribute("xmlurl"));
                var line = ((IXmlLineInfo)reader).LineNumber;
                if (xmlUrl is null)
                {
                    // A folder (or an outline of some other kind, whose children may still be feeds).
                    if (reader.IsEmptyElement) { if (text is not null) skipped.Add($"line {line}: \"{text}\" has no xmlUrl (not a feed)"); }
                    else folders.Push(text);
                    continue;
                }
                if (!Uri.TryCreate(xmlUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    skipped.Add($"line {line}: \"{text ?? xmlUrl}\": xmlUrl \"{xmlUrl}\" is not an http(s) URL");
                }
                else
                {
                    var path2 = folders.Where(f => f is not null).Reverse().Cast<string>().ToList();
                    // OPML 2.0's category attribute ("/Tags/news,/world"): more folders.
                    if (Clean(reader.GetAttribute("category")) is { } category)
                        path2.AddRange(category.Split(',').Select(c => c.Trim().Trim('/')).Where(c => c.Length > 0).Select(c => c[(c.LastIndexOf('/') + 1)..]));
                    if (byUrl.TryGetValue(url.AbsoluteUri, out var known))
                    {
                        foreach (var folder in path2.Where(f => !feeds[known].Folders.Contains(f, StringComparer.OrdinalIgnoreCase))) feeds[known].Folders.Add(folder);
                    }
                    else
                    {
                        byUrl[url.AbsoluteUri] = feeds.Count;
                        feeds.Add((new OpmlFeed(text, url.AbsoluteUri, Clean(reader.GetAttribute("htmlUrl")), []), path2.Distinct(StringComparer.OrdinalIgnoreCase).ToList()));
                    }
                }
                if (!reader.IsEmptyElement) folders.Push(null); // a feed's children, if any, are not in a folder named after it
            }
        }
        catch (XmlException ex)
        {
            throw new ConfigException([$"{path} line {ex.LineNumber}: not valid XML ({ex.Message.Split(" Line ")[0]})"]);
        }
        catch (IOException ex)
        {
            throw new ConfigException([$"{path}: cannot read it ({ex.Message})"]);
        }
        if (!sawOpml) throw new ConfigException([$"{path}: not an OPML file (no <opml> element); export the subscriptions from your reader as OPML"]);
        return ([.. feeds.Select(f => f.Feed with { Folders = f.Folders })], skipped);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
