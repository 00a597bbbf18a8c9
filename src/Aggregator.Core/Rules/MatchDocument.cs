namespace Aggregator.Rules;

/// <summary>An entry prepared once for matching against every rule (tokenised, case- and accent-folded).</summary>
public sealed class MatchDocument
{
    private MatchDocument() { }

    public static MatchDocument Create(EntryFields fields) => throw new NotImplementedException("placeholder");
}
