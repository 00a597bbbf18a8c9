namespace Aggregator.Rules;

/// <summary>A node of a compiled query. <c>hits</c> collects the terms that matched;
/// null when the caller only needs yes or no (and under NOT, whose terms are not hits).</summary>
internal abstract class QueryNode
{
    public abstract bool Matches(MatchDocument document, List<string>? hits);

    /// <summary>Words of which at least one must be in the entry for this node to match, for the rule index;
    /// null when no such set exists (NOT, regex, prefixes, url:), and the node is then always evaluated.</summary>
    public abstract IReadOnlySet<string>? RequiredWords(Fields indexed);
}

internal sealed class AndNode(QueryNode[] parts) : QueryNode
{
    // Any one part's requirement will do; the smallest set narrows candidates most.
    public override IReadOnlySet<string>? RequiredWords(Fields indexed) =>
        parts.Select(p => p.RequiredWords(indexed)).Where(r => r is not null).MinBy(r => r!.Count);

    public override bool Matches(MatchDocument document, List<string>? hits)
    {
        foreach (var part in parts)
        {
            if (!part.Matches(document, hits)) return false;
        }
        return true;
    }
}

internal sealed class OrNode(QueryNode[] parts) : QueryNode
{
    public override IReadOnlySet<string>? RequiredWords(Fields indexed)
    {
        var union = new HashSet<string>(StringComparer.Ordinal);
        foreach (var part in parts)
        {
            if (part.RequiredWords(indexed) is not { } words) return null;
            union.UnionWith(words);
        }
        return union;
    }

    public override bool Matches(MatchDocument document, List<string>? hits)
    {
        var any = false;
        foreach (var part in parts)
        {
            if (!part.Matches(document, hits)) continue;
            any = true;
            if (hits is null) return true; // collecting hits needs every branch, a yes/no does not
        }
        return any;
    }
}

internal sealed class NotNode(QueryNode inner) : QueryNode
{
    public override IReadOnlySet<string>? RequiredWords(Fields indexed) => null;

    public override bool Matches(MatchDocument document, List<string>? hits) => !inner.Matches(document, null);
}
