namespace Aggregator.Rules;

/// <summary>A word, a prefix (iran*) or a "phrase": folded words that must follow each other in one field.</summary>
internal sealed class WordsNode(string display, string[] words, bool prefix, Fields fields, string raw) : QueryNode
{
    // Resolved once: this runs for every rule on every entry.
    private readonly Fields[] _textFields = TextFields(fields).ToArray();

    public string Display { get; } = display;

    // A word can stand for the node only if every field it looks at is indexed.
    public override IReadOnlySet<string>? RequiredWords(Fields indexed) =>
        (fields & ~indexed) != 0 || (prefix && words.Length == 1) ? null : new HashSet<string>([words[0]], StringComparer.Ordinal);

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
            var wanted = string.Join(' ', words);
            foreach (var category in document.Categories)
            {
                if (prefix ? category.StartsWith(wanted, StringComparison.Ordinal) : category == wanted) return true;
            }
        }
        foreach (var field in _textFields)
        {
            if (document.Field(field) is not { } text) continue;
            // The common cases without enumerating positions: one word, or one prefix.
            if (words.Length == 1 && (prefix ? text.HasPrefix(words[0]) : text.Positions.ContainsKey(words[0]))) return true;
            if (words.Length > 1 && Occurrences(text).Any()) return true;
        }
        return false;
    }

    /// <summary>Where the words occur in one field, as (first word, last word) positions.</summary>
    public IEnumerable<(int Start, int End)> Occurrences(MatchDocument.FieldText text)
    {
        if (words.Length == 1 && !prefix)
        {
            if (text.Positions.TryGetValue(words[0], out var at))
            {
                foreach (var p in at) yield return (p, p);
            }
            yield break;
        }
        var tokens = text.Tokens;
        if (words.Length > 1)
        {
            // A phrase can only start where its first word is.
            if (!text.Positions.TryGetValue(words[0], out var starts)) yield break;
            foreach (var start in starts)
            {
                if (start + words.Length > tokens.Count) continue;
                var all = true;
                for (var i = 1; i < words.Length && all; i++)
                {
                    var last = i == words.Length - 1;
                    all = prefix && last ? tokens[start + i].StartsWith(words[i], StringComparison.Ordinal) : tokens[start + i] == words[i];
                }
                if (all) yield return (start, start + words.Length - 1);
            }
            yield break;
        }
        for (var at = 0; at < tokens.Count; at++) // a single prefix word, for NEAR
        {
            if (tokens[at].StartsWith(words[0], StringComparison.Ordinal)) yield return (at, at);
        }
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
