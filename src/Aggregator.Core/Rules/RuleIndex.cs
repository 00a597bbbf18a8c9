namespace Aggregator.Rules;

/// <summary>Finds which of many queries can match an entry without evaluating them all: each query is filed
/// under the words it cannot match without (<see cref="Query.RequiredWords"/>), so an entry only
/// evaluates the queries filed under its own words, plus the few that need no word.</summary>
/// <typeparam name="T">What a query belongs to (a rule).</typeparam>
public sealed class RuleIndex<T>
{
    private readonly (T Item, Query Query)[] _items;
    private readonly Dictionary<string, List<int>> _byWord = new(StringComparer.Ordinal);
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
                if (!_byWord.TryGetValue(word, out var list)) _byWord[word] = list = [];
                list.Add(i);
            }
        }
    }

    /// <summary>The items whose query may match this entry, in the order they were given; the caller evaluates them.</summary>
    public IEnumerable<T> Candidates(MatchDocument document)
    {
        var chosen = new bool[_items.Length];
        foreach (var i in _always) chosen[i] = true;
        foreach (var word in document.Words())
        {
            if (!_byWord.TryGetValue(word, out var list)) continue;
            foreach (var i in list) chosen[i] = true;
        }
        for (var i = 0; i < chosen.Length; i++)
        {
            if (chosen[i]) yield return _items[i].Item;
        }
    }
}
