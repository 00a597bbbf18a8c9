using System.Text.Json;

namespace Aggregator.Parsing;

/// <summary>JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).</summary>
internal static class JsonFeedReader
{
    public static ParseResult Read(string json, Uri? source, FeedProblems problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
        }
        catch (JsonException ex)
        {
            return ParseResult.Fail($"not a feed: JSON that does not parse (line {ex.LineNumber + 1}: {ex.Message.Split(". ")[0]})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || String(root, "version") is not { } version || !version.Contains("jsonfeed.org/version/", StringComparison.OrdinalIgnoreCase))
                return ParseResult.Fail("not a feed: JSON without a JSON Feed \"version\" (https://jsonfeed.org/version/1.1)");

            var home = Links.Resolve(String(root, "home_page_url"), source);
            var language = LanguageTag.Primary(String(root, "language"));
            var entries = new List<ParsedEntry>();
            if (root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object) continue;
                    entries.Add(Entry(item, root, source).Build(problems, entries.Count + 1, language));
                }
            }
            return ParseResult.Ok(new ParsedFeed("json1x", HtmlText.ToPlainText(String(root, "title")), home, entries)
            {
                Language = language,
            });
        }
    }

    private static EntryBuilder Entry(JsonElement item, JsonElement root, Uri? source)
    {
        var html = String(item, "content_html");
        var entry = new EntryBuilder
        {
            Id = String(item, "id") ?? (item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : null),
            Title = String(item, "title"),
            Link = Links.Resolve(String(item, "url") ?? String(item, "external_url"), source),
            Published = String(item, "date_published"),
            Updated = String(item, "date_modified"),
            Author = Author(item) ?? Author(root),
            Summary = String(item, "summary"),
            SummaryIsText = true,
            Content = html ?? String(item, "content_text"),
            ContentIsText = html is null,
            Language = String(item, "language"),
        };
        if (item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array)
            entry.Categories.AddRange(tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!));
        // Podcasts and reports attach their files here, as RSS does with <enclosure>.
        if (item.TryGetProperty("attachments", out var attachments) && attachments.ValueKind == JsonValueKind.Array)
        {
            foreach (var attachment in attachments.EnumerateArray())
            {
                if (attachment.ValueKind != JsonValueKind.Object) continue;
                var size = attachment.TryGetProperty("size_in_bytes", out var bytes) && bytes.ValueKind == JsonValueKind.Number ? bytes.GetRawText() : null;
                entry.AddEnclosure(Enclosure.Create(Links.Resolve(String(attachment, "url"), source), String(attachment, "mime_type"), size));
            }
        }
        return entry;
    }

    private static string? Author(JsonElement element)
    {
        if (element.TryGetProperty("authors", out var authors) && authors.ValueKind == JsonValueKind.Array)
        {
            var names = authors.EnumerateArray().Where(a => a.ValueKind == JsonValueKind.Object).Select(a => String(a, "name")).OfType<string>().ToArray();
            if (names.Length > 0) return string.Join(", ", names);
        }
        return element.TryGetProperty("author", out var author) && author.ValueKind == JsonValueKind.Object ? String(author, "name") : null;
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(value.GetString())
            ? value.GetString()!.Trim()
            : null;
}
