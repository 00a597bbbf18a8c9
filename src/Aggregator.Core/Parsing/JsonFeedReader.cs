using System.Text.Json;

namespace Aggregator.Parsing;

/// <summary>JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1).</summary>
internal static class JsonFeedReader
{
    public static ParseResult Read(string json, Uri? source)
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
            var entries = new List<ParsedEntry>();
            if (root.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in items.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object) continue;
                    var html = String(item, "content_html");
                    var text = String(item, "content_text");
                    var summary = String(item, "summary");
                    entries.Add(new ParsedEntry
                    {
                        Id = String(item, "id") ?? (item.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Number ? id.GetRawText() : null),
                        Title = HtmlText.ToPlainText(String(item, "title")),
                        Link = Links.Resolve(String(item, "url") ?? String(item, "external_url"), source),
                        Published = FeedDates.Parse(String(item, "date_published")),
                        Updated = FeedDates.Parse(String(item, "date_modified")),
                        Author = Author(item) ?? Author(root),
                        Summary = HtmlText.Collapse(summary),
                        Content = html is not null ? HtmlText.ToPlainText(html) : HtmlText.Collapse(text),
                        ContentHtml = html,
                        Categories = item.TryGetProperty("tags", out var tags) && tags.ValueKind == JsonValueKind.Array
                            ? tags.EnumerateArray().Where(t => t.ValueKind == JsonValueKind.String).Select(t => t.GetString()!).ToArray()
                            : [],
                    });
                }
            }
            return ParseResult.Ok(new ParsedFeed("json1x", HtmlText.ToPlainText(String(root, "title")), home, entries));
        }
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
