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

    /// <param name="terms">The term lists @name may use (rules.json's "terms"); none when null.</param>
    /// <exception cref="QuerySyntaxException">The query is malformed or too deep or long, or names an unknown
    /// term list; the message names the column and what was expected.</exception>
    public static Query Parse(string text, TermLists? terms = null) => new(text, QueryParser.Parse(text, terms ?? TermLists.None));

    /// <summary>The terms that hit when the entry matches, or null when it does not.</summary>
    public QueryMatch? Match(MatchDocument document)
    {
        // Most entries match no rule: decide first without collecting, then collect only for a hit.
        if (!_root.Matches(document, null)) return null;
        var hits = new List<string>();
        _root.Matches(document, hits);
        return new QueryMatch(hits);
    }

    /// <summary>Folded words of which the entry must contain at least one to match, or null when the query can match
    /// without any (NOT alone, /regex/, url:, lang:). A word ending in * is a prefix: a word starting so will do.
    /// An optimisation hint: the matcher still decides.</summary>
    public IReadOnlySet<string>? RequiredWords { get; }

    /// <summary>The same, counting only title, summary and content: what a full-text index of those finds.</summary>
    public IReadOnlySet<string>? RequiredTextWords { get; }

    public override string ToString() => Text;
}
