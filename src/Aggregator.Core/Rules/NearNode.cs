namespace Aggregator.Rules;

/// <summary>a NEAR/n b: both in the same field, at most n words apart, in either order.</summary>
internal sealed class NearNode(PositionalNode left, PositionalNode right, int distance, Fields fields) : QueryNode
{
    private readonly Fields[] _textFields = WordsNode.TextFields(fields).ToArray();

    public override IReadOnlySet<string>? RequiredWords(Fields indexed) => left.RequiredWords(indexed) ?? right.RequiredWords(indexed);

    public override bool Matches(MatchDocument document, List<string>? hits)
    {
        foreach (var field in _textFields)
        {
            if (document.Field(field) is not { } text) continue;
            var rights = right.Occurrences(text).ToList();
            if (rights.Count == 0) continue;
            foreach (var l in left.Occurrences(text))
            {
                foreach (var r in rights)
                {
                    // words between the two; 0 = adjacent
                    var gap = r.Start > l.End ? r.Start - l.End - 1 : l.Start > r.End ? l.Start - r.End - 1 : 0;
                    if (gap > distance) continue;
                    if (hits is not null)
                    {
                        if (!hits.Contains(l.Term)) hits.Add(l.Term);
                        if (!hits.Contains(r.Term)) hits.Add(r.Term);
                    }
                    return true;
                }
            }
        }
        return false;
    }
}
