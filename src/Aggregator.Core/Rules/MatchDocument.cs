namespace Aggregator.Rules;

/// <summary>An entry prepared once for matching against every rule: each field tokenised and folded,
/// with a word → positions index, so a rule never re-reads the text.</summary>
public sealed class MatchDocument
{
    private static readonly Fields[] Searchable = [Fields.Title, Fields.Summary, Fields.Content, Fields.Author, Fields.Feed];
    // Indexed by the field's bit position: a lookup per rule per entry, so no dictionary.
    private readonly FieldText?[] _fields = new FieldText?[8];

    private MatchDocument(EntryFields entry)
    {
        Entry = entry;
        foreach (var field in Searchable)
        {
            var text = Raw(field);
            if (!string.IsNullOrEmpty(text)) _fields[Slot(field)] = new FieldText(text, TextTokens.Split(text));
        }
        Categories = (entry.Categories ?? []).Select(c => string.Join(' ', TextTokens.Split(c))).ToArray();
        Url = entry.Url?.ToLowerInvariant() ?? "";
    }

    internal EntryFields Entry { get; }
    internal IReadOnlyList<string> Categories { get; }
    internal string Url { get; }

    public static MatchDocument Create(EntryFields fields) => new(fields);

    /// <summary>Every distinct folded word of the entry, in any field (categories included).</summary>
    internal IEnumerable<string> Words()
    {
        foreach (var field in _fields)
        {
            if (field is null) continue;
            foreach (var word in field.Positions.Keys) yield return word;
        }
        foreach (var category in Categories)
        {
            foreach (var word in category.Split(' ', StringSplitOptions.RemoveEmptyEntries)) yield return word;
        }
    }

    internal FieldText? Field(Fields field) => _fields[Slot(field)];

    private static int Slot(Fields field) => System.Numerics.BitOperations.TrailingZeroCount((int)field);

    internal string? Raw(Fields field) => field switch
    {
        Fields.Title => Entry.Title,
        Fields.Summary => Entry.Summary,
        Fields.Content => Entry.Content,
        Fields.Author => Entry.Author,
        Fields.Feed => Entry.Feed,
        Fields.Url => Entry.Url,
        Fields.Category => Entry.Categories is { } c ? string.Join('\n', c) : null,
        _ => null,
    };

    /// <summary>One field's words in order and where each word occurs.</summary>
    internal sealed class FieldText
    {
        public FieldText(string raw, List<string> tokens)
        {
            Raw = raw;
            Tokens = tokens;
            for (var i = 0; i < tokens.Count; i++)
            {
                if (!Positions.TryGetValue(tokens[i], out var list)) Positions[tokens[i]] = list = [];
                list.Add(i);
            }
        }

        private string[]? _sorted;

        public string Raw { get; }
        public List<string> Tokens { get; }
        public Dictionary<string, List<int>> Positions { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether any word starts with <paramref name="prefix"/>: a binary search over the distinct
        /// words, sorted once per field on first use (most entries meet no prefix rule).</summary>
        public bool HasPrefix(string prefix)
        {
            _sorted ??= Positions.Keys.Order(StringComparer.Ordinal).ToArray();
            var at = Array.BinarySearch(_sorted, prefix, StringComparer.Ordinal);
            if (at >= 0) return true;
            at = ~at;
            return at < _sorted.Length && _sorted[at].StartsWith(prefix, StringComparison.Ordinal);
        }
    }
}
