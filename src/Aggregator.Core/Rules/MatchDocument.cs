namespace Aggregator.Rules;

/// <summary>An entry prepared once for matching against every rule: each field tokenised and folded,
/// with a word → positions index, so a rule never re-reads the text.</summary>
public sealed class MatchDocument
{
    private static readonly Fields[] Searchable = [Fields.Title, Fields.Summary, Fields.Content, Fields.Author, Fields.Feed];
    private readonly Dictionary<Fields, FieldText> _fields = [];

    private MatchDocument(EntryFields entry)
    {
        Entry = entry;
        foreach (var field in Searchable)
        {
            var text = Raw(field);
            if (!string.IsNullOrEmpty(text)) _fields[field] = new FieldText(text, TextTokens.Split(text));
        }
        Categories = (entry.Categories ?? []).Select(c => string.Join(' ', TextTokens.Split(c))).ToArray();
        Url = entry.Url?.ToLowerInvariant() ?? "";
    }

    internal EntryFields Entry { get; }
    internal IReadOnlyList<string> Categories { get; }
    internal string Url { get; }

    public static MatchDocument Create(EntryFields fields) => new(fields);

    internal FieldText? Field(Fields field) => _fields.GetValueOrDefault(field);

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

        public string Raw { get; }
        public List<string> Tokens { get; }
        public Dictionary<string, List<int>> Positions { get; } = new(StringComparer.Ordinal);
    }
}
