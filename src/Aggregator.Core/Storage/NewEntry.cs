namespace Aggregator.Storage;

/// <summary>An entry about to be stored; <see cref="EntryKey"/> decides whether it is new.</summary>
public sealed record NewEntry
{
    public required string EntryKey { get; init; }
    public string? Guid { get; init; }
    public string? Link { get; init; }
    public string? Title { get; init; }
    public string? Author { get; init; }
    public string? Summary { get; init; }
    public string? Content { get; init; }
    public string? SummaryHtml { get; init; }
    public string? ContentHtml { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public DateTimeOffset? PublishedAt { get; init; }
    public DateTimeOffset? UpdatedAt { get; init; }
}
