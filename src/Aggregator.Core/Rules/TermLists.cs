namespace Aggregator.Rules;

/// <summary>The named term lists of rules.json ("terms"): many spellings of one term, used in queries as @name.
/// Names compare ignoring case. Each spelling is folded once here, for every query that uses the list.</summary>
public sealed class TermLists
{
    private readonly Dictionary<string, (string Spelling, QueryWord[] Words)[]> _lists = new(StringComparer.OrdinalIgnoreCase);

    public static TermLists None { get; } = new([]);

    /// <param name="lists">Name → spellings, as checked by <see cref="IsValidName"/> and <see cref="Problem"/>;
    /// a spelling with no letters or digits is left out.</param>
    public TermLists(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> lists)
    {
        foreach (var (name, spellings) in lists)
        {
            _lists[name] = spellings
                .Select(s => s.Trim())
                .Select(s => (Spelling: s, Words: QueryWord.Parse(s)))
                .Where(s => s.Words.Length > 0)
                .ToArray();
        }
        Names = [.. _lists.Keys.Order(StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>The lists' names, sorted, as written in rules.json.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Letters, digits, - and _: what may follow @ in a query.</summary>
    public static bool IsValidName(string name) => name.Length > 0 && name.All(IsNameChar);

    internal static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '-' or '_';

    /// <summary>What is wrong with one spelling, as the end of a sentence naming it; null when it can be used.</summary>
    public static string? Problem(string spelling)
    {
        var text = spelling.Trim();
        if (text.StartsWith('@')) return "names another list; write the spellings themselves (lists do not nest)";
        if (QueryWord.Parse(text).Length == 0) return "has no letters or digits to match";
        return null;
    }

    internal bool TryGet(string name, out (string Spelling, QueryWord[] Words)[] spellings) => _lists.TryGetValue(name, out spellings!);
}
