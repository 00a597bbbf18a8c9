namespace Aggregator.Rules;

/// <summary>A node of a compiled query. <paramref name="hits"/> collects the terms that matched;
/// null when the caller only needs yes or no (and under NOT, whose terms are not hits).</summary>
internal abstract class QueryNode
{
    public abstract bool Matches(MatchDocument document, List<string>? hits);
}

internal sealed class AndNode(QueryNode[] parts) : QueryNode
{
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
    public override bool Matches(MatchDocument document, List<string>? hits) => !inner.Matches(document, null);
}
