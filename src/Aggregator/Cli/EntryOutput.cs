using Aggregator.Storage;

namespace Aggregator.Cli;

/// <summary>How `entries` and `search` print an entry.</summary>
internal static class EntryOutput
{
    public static void Write(EntryRow entry, bool json, IReadOnlyList<string>? terms = null)
    {
        if (json)
        {
            JsonLines.Write(new
            {
                entry.Id, Feed = entry.FeedName, Guid = entry.Guid, entry.Title, entry.Link, Published = entry.PublishedAt,
                entry.Author, entry.Summary, Categories = entry.CategoryList, FetchedAt = entry.FetchedAt, MatchedTerms = terms,
            });
            return;
        }
        var when = entry.PublishedAt ?? entry.FetchedAt;
        Console.WriteLine($"{when:yyyy-MM-dd HH:mm}Z  {entry.FeedName}  {entry.Title ?? "(no title)"}");
        if (entry.Link is not null) Console.WriteLine($"    {entry.Link}");
        if (terms is { Count: > 0 }) Console.WriteLine($"    matched: {string.Join(", ", terms)}");
    }
}
