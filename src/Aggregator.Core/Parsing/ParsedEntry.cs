namespace Aggregator.Parsing;

/// <summary>One item or entry. Text fields are plain text (tags removed, entities decoded, whitespace collapsed);
/// the *Html fields keep the markup for email bodies. Links are absolute where the document allows it.</summary>
public sealed record ParsedEntry
{
    public string? Id { get; init; }
    public string? Title { get; init; }
    public string? Link { get; init; }
    public DateTimeOffset? Published { get; init; }
    public DateTimeOffset? Updated { get; init; }
    public string? Author { get; init; }
    public string? Summary { get; init; }
    public string? Content { get; init; }
    public string? SummaryHtml { get; init; }
    public string? ContentHtml { get; init; }
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<Enclosure> Enclosures { get; init; } = [];

    /// <summary>Lowercase primary language subtag ("ru", "fa", "en"): as the entry declares it (xml:lang,
    /// dc:language), else as its feed declares it, else detected from its title and summary; null when unsure.</summary>
    public string? Language { get; init; }
}
