namespace Aggregator.Rules;

/// <summary>The plain-text fields of an entry that a query can look at.</summary>
/// <param name="Language">The entry's language tag (ru, fa-IR), for lang:; null when unknown.</param>
public sealed record EntryFields(
    string? Title,
    string? Summary,
    string? Content,
    string? Author = null,
    IReadOnlyList<string>? Categories = null,
    string? Url = null,
    string? Feed = null,
    string? Language = null);
