namespace Aggregator.Rules;

/// <summary>One folded word of a query term; <see cref="Prefix"/> when the query wrote it with a trailing *.</summary>
internal readonly record struct QueryWord(string Text, bool Prefix)
{
    public bool Matches(string folded) => Prefix ? folded.StartsWith(Text, StringComparison.Ordinal) : folded == Text;

    /// <summary>The folded words of a term as written in a query or a term list, each a prefix when a * follows it:
    /// "iran*", "new sanction*", "Африканск* корпус*". Punctuation separates words, as in entries.</summary>
    public static QueryWord[] Parse(string text)
    {
        var words = new List<QueryWord>();
        foreach (var (start, length) in TextTokens.Words(text))
        {
            var folded = TextTokens.Fold(text.AsSpan(start, length));
            if (folded.Length == 0) continue;
            words.Add(new QueryWord(folded, start + length < text.Length && text[start + length] == '*'));
        }
        return [.. words];
    }

    /// <summary>How <see cref="Query.RequiredWords"/> writes this word: a prefix ends with *, which no folded word contains.</summary>
    public string Required => Prefix ? Text + "*" : Text;
}
