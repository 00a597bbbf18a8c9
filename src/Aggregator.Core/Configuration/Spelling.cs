namespace Aggregator.Configuration;

/// <summary>"Did you mean ...?" for a name someone typed: the nearest known one, when it is near enough to be a typo.</summary>
public static class Spelling
{
    /// <returns>The closest of <paramref name="known"/> (case-insensitive edit distance) when it is within a third of the
    /// word's length (at least 2 edits), else null.</returns>
    public static string? Nearest(string word, IEnumerable<string> known)
    {
        var lower = word.ToLowerInvariant();
        var best = known.Select(k => (Known: k, Distance: Distance(k.ToLowerInvariant(), lower))).MinBy(k => k.Distance);
        return best.Known is not null && best.Distance <= Math.Max(2, word.Length / 3) ? best.Known : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions.</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
