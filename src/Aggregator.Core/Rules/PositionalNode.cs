namespace Aggregator.Rules;

/// <summary>A node that matches at word positions of a field (a word, a phrase, a term list): what NEAR works between.</summary>
internal abstract class PositionalNode : QueryNode
{
    /// <summary>Where the node matches in one field, as (first word, last word) positions, with the term that matched there.</summary>
    public abstract IEnumerable<(int Start, int End, string Term)> Occurrences(MatchDocument.FieldText text);
}
