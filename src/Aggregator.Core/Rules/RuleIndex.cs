namespace Aggregator.Rules;

/// <summary>Finds which of many queries can match an entry without evaluating them all: each query is filed
/// under the words it cannot match without (<see cref="Query.RequiredWords"/>), so an entry only
/// evaluates the queries filed under its own words, plus the few that need no word.</summary>
/// <typeparam name="T">What a query belongs to (a rule).</typeparam>
public sealed class RuleIndex<T>
{
    private readonly (T Item, Query Query)[] _items;
    private readonly Dictionary<string, List<int>> _byWord = new(StringComparer.Ordinal);
    // Prefixes (Хезболл*, iran*) by their text; an entry's word looks up its own beginnings of each length filed.
    private readonly Dictionary<string, List<int>> _byPrefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>>.AlternateLookup<ReadOnlySpan<char>> _prefixLookup;
    private readonly int[] _prefixLengths;
    // A bit per first two letters of the filed prefixes: most words of an entry start no filed prefix, and this
    // says so without hashing the word once per prefix length. Null when a prefix has one letter.
    private readonly ulong[]? _prefixStarts;
    private readonly List<int> _always = [];

    public RuleIndex(IEnumerable<(T Item, Query Query)> items)
    {
        _items = items.ToArray();
        for (var i = 0; i < _items.Length; i++)
        {
            if (_items[i].Query.RequiredWords is not { } words)
            {
                _always.Add(i);
                continue;
            }
            foreach (var word in words)
            {
                var prefix = word.EndsWith('*');
                var byKey = prefix ? _byPrefix : _byWord;
                var key = prefix ? word[..^1] : word;
                if (!byKey.TryGetValue(key, out var list)) byKey[key] = list = [];
                list.Add(i);
            }
        }
        _prefixLookup = _byPrefix.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixLengths = [.. _byPrefix.Keys.Select(k => k.Length).Distinct().Order()];
        if (_prefixLengths.Length > 0 && _prefixLengths[0] >= 2)
        {
            _prefixStarts = new ulong[1024];
            foreach (var key in _byPrefix.Keys) _prefixStarts[Start(key) >> 6] |= 1UL << Start(key);
        }
    }

    private static int Start(string word) => (word[0] * 31 + word[1]) & 0xFFFF;

    /// <summary>The items whose query may match this entry, in the order they were given; the caller evaluates them.</summary>
    public IEnumerable<T> Candidates(MatchDocument document)
    {
        var chosen = new bool[_items.Length];
        foreach (var i in _always) chosen[i] = true;
        foreach (var word in document.Words())
        {
            if (_byWord.TryGetValue(word, out var list))
            {
                foreach (var i in list) chosen[i] = true;
            }
            if (_prefixLengths.Length == 0 || word.Length < _prefixLengths[0]) continue;
            if (_prefixStarts is not null && (_prefixStarts[Start(word) >> 6] & (1UL << Start(word))) == 0) continue;
            foreach (var length in _prefixLengths)
            {
                if (length > word.Length) break;
                if (!_prefixLookup.TryGetValue(word.AsSpan(0, length), out list)) continue;
                foreach (var i in list) chosen[i] = true;
            }
        }
        for (var i = 0; i < chosen.Length; i++)
        {
            if (chosen[i]) yield return _items[i].Item;
        }
    }
}
