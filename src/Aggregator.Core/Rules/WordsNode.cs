namespace Aggregator.Rules;

/// <summary>A word, a prefix (iran*) or a "phrase": folded words that must follow each other in one field.</summary>
internal sealed class WordsNode(string display, QueryWord[] words, Fields fields, string raw) : PositionalNode
{
    // Resolved once: this runs for every rule on every entry.
    private readonly Fields[] _textFields = TextFields(fields).ToArray();

    public string Display { get; } = display;

    // A word can stand for the node only if every field it looks at is indexed; a prefix stands as "word*".
    public override IReadOnlySet<string>? RequiredWords(Fields indexed) =>
        (fields & ~indexed) != 0 ? null : new HashSet<string>([words[0].Required], StringComparer.Ordinal);

    public override bool Matches(MatchDocument document, List<string>? hits)
    {
        if (!MatchesAnyField(document)) return false;
        if (hits is not null && !hits.Contains(Display)) hits.Add(Display);
        return true;
    }

    private bool MatchesAnyField(MatchDocument document)
    {
        if ((fields & Fields.Url) != 0 && document.Url.Contains(raw, StringComparison.Ordinal)) return true;
        if ((fields & Fields.Category) != 0)
        {
            foreach (var category in document.Categories)
            {
                if (IsCategory(category)) return true;
            }
        }
        foreach (var field in _textFields)
        {
            if (document.Field(field) is not { } text) continue;
            // The common cases without enumerating positions: one word, or one prefix.
            if (words.Length == 1 && (words[0].Prefix ? text.HasPrefix(words[0].Text) : text.Positions.ContainsKey(words[0].Text))) return true;
            if (words.Length > 1 && Occurrences(text).Any()) return true;
        }
        return false;
    }

    /// <summary>One whole category: the same words, the last of them (or any written with *) a prefix.</summary>
    private bool IsCategory(string[] category)
    {
        var open = words[^1].Prefix; // "category:middle*" also matches "Middle East"
        if (open ? category.Length < words.Length : category.Length != words.Length) return false;
        for (var i = 0; i < words.Length; i++)
        {
            if (!words[i].Matches(category[i])) return false;
        }
        return true;
    }

    public override IEnumerable<(int Start, int End, string Term)> Occurrences(MatchDocument.FieldText text)
    {
        var first = words[0];
        if (!first.Prefix)
        {
            // A word or a phrase can only start where its first word is.
            if (!text.Positions.TryGetValue(first.Text, out var starts)) yield break;
            foreach (var start in starts)
            {
                if (Follows(text, start)) yield return (start, start + words.Length - 1, Display);
            }
            yield break;
        }
        foreach (var at in text.PrefixPositions(first.Text)) // a prefix first word, for NEAR and phrases
        {
            if (Follows(text, at)) yield return (at, at + words.Length - 1, Display);
        }
    }

    /// <summary>Whether the words after the first follow it from <paramref name="start"/> on.</summary>
    private bool Follows(MatchDocument.FieldText text, int start)
    {
        if (start + words.Length > text.Tokens.Count) return false;
        for (var i = 1; i < words.Length; i++)
        {
            if (!text.Has(start + i, words[i])) return false;
        }
        return true;
    }

    private static readonly Fields[] Tokenised = [Fields.Title, Fields.Summary, Fields.Content, Fields.Author, Fields.Feed];

    public static IEnumerable<Fields> TextFields(Fields fields)
    {
        foreach (var field in Tokenised)
        {
            if ((fields & field) != 0) yield return field;
        }
    }
}
