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
            if (!string.IsNullOrEmpty(text)) _fields[Slot(field)] = new FieldText(text);
        }
        Categories = (entry.Categories ?? []).Select(c => TextTokens.Split(c).ToArray()).ToArray();
        Url = entry.Url?.ToLowerInvariant() ?? "";
        // Feeds write ru, ru-RU, RU or ru_RU; lang: compares lowercase subtags split by '-'.
        Language = string.IsNullOrWhiteSpace(entry.Language) ? null : entry.Language.Trim().Replace('_', '-').ToLowerInvariant();
    }

    internal EntryFields Entry { get; }
    /// <summary>Each category as its folded words.</summary>
    internal IReadOnlyList<string[]> Categories { get; }
    internal string Url { get; }
    internal string? Language { get; }

    public static MatchDocument Create(EntryFields fields) => new(fields);

    /// <summary>Every distinct folded word of the entry, in any field (categories included), and the stripped
    /// forms of Arabic words (<see cref="TextTokens.StrippedForms"/>).</summary>
    internal IEnumerable<string> Words()
    {
        foreach (var field in _fields)
        {
            if (field is null) continue;
            foreach (var word in field.Positions.Keys) yield return word;
        }
        foreach (var category in Categories)
        {
            foreach (var word in category) yield return word;
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

    /// <summary>One field's words in order and where each word occurs; an Arabic word's stripped forms
    /// occur at its position too.</summary>
    internal sealed class FieldText
    {
        public FieldText(string raw)
        {
            Raw = raw;
            Tokens = TextTokens.Split(raw);
            for (var i = 0; i < Tokens.Count; i++)
            {
                Add(Tokens[i], i);
                if (TextTokens.StrippedForms(Tokens[i]) is not { } forms) continue;
                (_stripped ??= [])[i] = forms;
                foreach (var form in forms) Add(form, i);
            }
        }

        private void Add(string word, int position)
        {
            if (!Positions.TryGetValue(word, out var list)) Positions[word] = list = [];
            list.Add(position);
        }

        // Bit per hash of a word's first two letters, built on the first prefix check (1,024 bits: about one in
        // five checks against an article's 250 distinct words passes by chance).
        private ulong[]? _starts;

        private bool MayStartWith(string prefix)
        {
            if (prefix.Length < 2) return true;
            if (_starts is null)
            {
                _starts = new ulong[16];
                foreach (var word in Positions.Keys)
                {
                    if (word.Length < 2) continue;
                    var bit = StartBit(word);
                    _starts[bit >> 6] |= 1UL << bit;
                }
            }
            var at = StartBit(prefix);
            return (_starts[at >> 6] & (1UL << at)) != 0;
        }

        private static int StartBit(string word) => (int)(((uint)word[0] * 0x9E3779B1u ^ word[1]) * 0x85EBCA6Bu >> 22);
        // Position → stripped forms; null for a field without prefixed Arabic words, as most are.
        private Dictionary<int, string[]>? _stripped;

        public string Raw { get; }
        public List<string> Tokens { get; }
        public Dictionary<string, List<int>> Positions { get; } = new(StringComparer.Ordinal);

        /// <summary>Whether the word at <paramref name="position"/>, or one of its stripped forms, is <paramref name="word"/>.</summary>
        public bool Has(int position, QueryWord word)
        {
            if (word.Matches(Tokens[position])) return true;
            if (_stripped is null || !_stripped.TryGetValue(position, out var forms)) return false;
            foreach (var form in forms)
            {
                if (word.Matches(form)) return true;
            }
            return false;
        }

        /// <summary>Whether any word starts with <paramref name="prefix"/>.</summary>
        public bool HasPrefix(string prefix) => PrefixPositions(prefix).Any();

        /// <summary>Where the words starting with <paramref name="prefix"/> are, stripped forms included, in no
        /// particular order: from the distinct words, not by reading every position. Term lists put prefixes
        /// (Хезболл*) in many rules, so an entry meets dozens of prefix checks: most are answered by the filter of
        /// the words' first two letters, and the rest scan the distinct words. Sorting them once per field for a
        /// binary search, as before, cost more (an article's words) than that.</summary>
        public IEnumerable<int> PrefixPositions(string prefix)
        {
            if (!MayStartWith(prefix)) yield break;
            var first = prefix[0];
            foreach (var word in Positions.Keys)
            {
                if (word[0] != first || !word.StartsWith(prefix, StringComparison.Ordinal)) continue;
                foreach (var position in Positions[word]) yield return position;
            }
        }
    }
}
