namespace Aggregator.Rules;

/// <summary>A compiled rule query. Parse once, match many entries.</summary>
public sealed class Query
{
    private Query(string text) => Text = text;

    public string Text { get; }

    /// <exception cref="QuerySyntaxException">The query is malformed; the message names the column and what was expected.</exception>
    public static Query Parse(string text) => throw new NotImplementedException("placeholder");

    /// <summary>The terms that hit when the entry matches, or null when it does not.</summary>
    public QueryMatch? Match(MatchDocument document) => throw new NotImplementedException("placeholder");
}
