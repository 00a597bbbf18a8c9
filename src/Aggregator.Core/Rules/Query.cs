namespace Aggregator.Rules;

/// <summary>A compiled rule query (syntax: docs/rules.md). Parse once, match many entries.</summary>
public sealed class Query
{
    private readonly QueryNode _root;

    private Query(string text, QueryNode root)
    {
        Text = text;
        _root = root;
        RequiredWords = root.RequiredWords(Fields.Text | Fields.Author | Fields.Category | Fields.Feed);
        RequiredTextWords = root.RequiredWords(Fields.Text);
    }

    public string Text { get; }

    /// <exception cref="QuerySyntaxException">The query is malformed; the message names the column and what was expected.</exception>
    public static Query Parse(string text) => new(text, QueryParser.Parse(text));

    /// <summary>The terms that hit when the entry matches, or null when it does not.</summary>
    public QueryMatch? Match(MatchDocument document)
    {
        // Most entries match no rule: decide first without collecting, then collect only for a hit.
        if (!_root.Matches(document, null)) return null;
        var hits = new List<string>();
        _root.Matches(document, hits);
        return new QueryMatch(hits);
    }

    /// <summary>Words of which the entry must contain at least one to match, or null when the query can match
    /// without any (NOT alone, /regex/, a lone prefix). An optimisation hint: the matcher still decides.</summary>
    public IReadOnlySet<string>? RequiredWords { get; }

    /// <summary>The same, counting only title, summary and content: what a full-text index of those finds.</summary>
    public IReadOnlySet<string>? RequiredTextWords { get; }

    public override string ToString() => Text;
}
