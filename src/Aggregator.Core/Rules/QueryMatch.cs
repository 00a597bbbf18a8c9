namespace Aggregator.Rules;

/// <summary>A hit: the query terms (words, phrases) that matched, for alerts and highlighting.</summary>
public sealed record QueryMatch(IReadOnlyList<string> Terms);
