namespace Aggregator.Configuration;

/// <summary>"Did you mean ...?" for a name someone typed: the nearest known one, when it is near enough to be a typo.</summary>
public static class Spelling
{
    private const int MaxWord = 200;

    /// <returns>The closest of <paramref name="known"/> (case-insensitive edit distance) when it is within a third of the
    /// word's length (at least 2 edits), else null.</returns>
    public static string? Nearest(string word, IEnumerable<string> known)
    {
        // A name is short; the distance costs the product of the lengths, and a pasted query is no typo of one.
        if (word.Length > MaxWord) return null;
        var lower = word.ToLowerInvariant();
        (string? Known, int Distance) best = (null, int.MaxValue);
        foreach (var name in known)
        {
            var distance = Distance(name.ToLowerInvariant(), lower);
            if (distance < best.Distance) best = (name, distance);
        }
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
