using System.Text.Json;
using Aggregator.Rules;

namespace Aggregator.Storage;

/// <summary>A stored entry with its feed's name, as the CLI and search read it.</summary>
public sealed class EntryRow
{
    public long Id { get; set; }
    public long FeedId { get; set; }
    public string FeedName { get; set; } = "";
    public string FeedTags { get; set; } = "[]";
    public string EntryKey { get; set; } = "";
    public string? Guid { get; set; }
    public string? Link { get; set; }
    public string? Title { get; set; }
    public string? Author { get; set; }
    public string? Summary { get; set; }
    public string? Content { get; set; }
    public string Categories { get; set; } = "[]";
    public DateTimeOffset? PublishedAt { get; set; }
    public DateTimeOffset? UpdatedAt { get; set; }
    public DateTimeOffset FetchedAt { get; set; }
    public string? Language { get; set; }

    public IReadOnlyList<string> CategoryList => JsonSerializer.Deserialize<string[]>(Categories) ?? [];

    public IReadOnlyList<string> FeedTagList => JsonSerializer.Deserialize<string[]>(FeedTags) ?? [];

    /// <summary>The entry as the rules see it, for search and backtests (the same fields the refresher matches).</summary>
    public MatchDocument ToMatchDocument() =>
        MatchDocument.Create(new EntryFields(Title, Summary, Content, Author, CategoryList, Link, FeedName, Language));
}
