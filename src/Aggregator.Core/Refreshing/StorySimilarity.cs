using System.Text.RegularExpressions;
using Aggregator.Rules;

namespace Aggregator.Refreshing;

/// <summary>Whether two headlines tell the same story when another outlet rewords it ("Sevastopol harbour fire" and
/// "Sevastopol harbour fire, officials say"; "Explosion hits Beirut port" and "Beirut port rocked by explosion").
/// The share of content words in common (stop words dropped, "killed" and "kills" one word by a shared prefix) must
/// reach <see cref="Threshold"/>, and three things that change a story must agree: the numbers ("kills three" is not
/// "kills seven"), the names (a capitalised word in each that the other lacks: Odesa against Belgorod), and negation
/// and order words ("not", "second"). Measured on tests/.../Refreshing/Data/headline-pairs.tsv, 178 pairs of our own
/// (docs/stories.md). A false "same story" withholds an alert, so precision is put first.</summary>
public static partial class StorySimilarity
{
    /// <summary>The share of content words two headlines must have in common (Jaccard index).</summary>
    public const double Threshold = 0.6;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "of", "in", "on", "at", "to", "for", "by", "with", "from", "and", "or", "as", "is", "are", "was",
        "were", "be", "been", "has", "have", "had", "it", "its", "that", "this", "says", "said", "say", "after", "over",
        "into", "than", "will", "would", "near", "amid", "despite", "under", "against", "about", "new",
    };

    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal) { "not", "no", "never", "without" };

    /// <summary>Numbers written as words, which headlines use as often as digits ("kills three").</summary>
    private static readonly Dictionary<string, string> NumberWords = new(StringComparer.Ordinal)
    {
        ["one"] = "1", ["two"] = "2", ["three"] = "3", ["four"] = "4", ["five"] = "5", ["six"] = "6", ["seven"] = "7",
        ["eight"] = "8", ["nine"] = "9", ["ten"] = "10", ["eleven"] = "11", ["twelve"] = "12", ["fifteen"] = "15",
        ["twenty"] = "20", ["thirty"] = "30", ["forty"] = "40", ["fifty"] = "50", ["hundred"] = "100", ["thousand"] = "1000",
    };

    private static readonly HashSet<string> Ordinals = new(StringComparer.Ordinal)
    {
        "first", "second", "third", "fourth", "fifth", "next", "last", "final",
    };

    /// <summary>A headline (or a first sentence) ready to compare: its folded content words, names and numbers.</summary>
    public sealed class Text
    {
        internal Text(string[] words, string[] content, string[] names, string[] numbers)
        {
            Words = words;
            Content = content;
            Names = names;
            Numbers = numbers;
        }

        internal string[] Words { get; }
        internal string[] Content { get; }
        internal string[] Names { get; }
        internal string[] Numbers { get; }

        /// <summary>As kept in matches.story_words: the folded words, the names and the numbers, each list
        /// space-separated, the three joined by '|' (words are runs of letters and digits: neither character occurs).</summary>
        public string Stored => string.Join(' ', Words) + "|" + string.Join(' ', Names) + "|" + string.Join(' ', Numbers);

        /// <summary>Reads back <see cref="Stored"/> without folding or matching anything again: a candidate costs
        /// three splits and a stop-word lookup per word.</summary>
        public static Text FromStored(string stored)
        {
            var parts = stored.Split('|');
            var words = Split(parts[0]);
            return new Text(words, ContentOf(words), parts.Length > 1 ? Split(parts[1]) : [], parts.Length > 2 ? Split(parts[2]) : []);
        }

        private static string[] Split(string list) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] ContentOf(IEnumerable<string> words) =>
        words.Where(w => w.Length > 1 && !StopWords.Contains(w)).Distinct().ToArray();

    public static Text Of(string? headline)
    {
        var words = new List<string>();
        var names = new List<string>();
        foreach (Match match in Word().Matches(headline ?? ""))
        {
            var word = match.Value.EndsWith("'s", StringComparison.Ordinal) ? match.Value[..^2] : match.Value;
            var folded = TextTokens.Fold(word);
            words.Add(folded);
            if (char.IsUpper(word[0]) && !StopWords.Contains(folded)) names.Add(folded);
        }
        var content = ContentOf(words);
        var numbers = Number().Matches(headline ?? "").Select(m => m.Value)
            .Concat(words.Where(NumberWords.ContainsKey).Select(w => NumberWords[w])).Distinct().ToArray();
        return new Text([.. words.Distinct()], content, [.. names.Distinct()], numbers);
    }

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> tell the same story.</summary>
    public static bool Same(Text a, Text b) =>
        Similarity(a, b) >= Threshold && !Differ(a, b);

    /// <summary>The Jaccard index of the content words, a word matching another that shares its prefix.</summary>
    public static double Similarity(Text a, Text b)
    {
        if (a.Content.Length == 0 || b.Content.Length == 0) return 0;
        var common = a.Content.Count(x => b.Content.Any(y => Alike(x, y)));
        return (double)common / (a.Content.Length + b.Content.Length - common);
    }

    /// <summary>Numbers, names, negation or order words that say these are two stories however many words they share.
    /// Used on first sentences too: there it can only veto.</summary>
    public static bool Differ(Text a, Text b)
    {
        if (a.Numbers.Length > 0 && b.Numbers.Length > 0 && !a.Numbers.ToHashSet().SetEquals(b.Numbers)) return true;
        if (a.Names.Any(n => !b.Words.Any(w => Alike(n, w))) && b.Names.Any(n => !a.Words.Any(w => Alike(n, w)))) return true;
        if (a.Words.Any(Negations.Contains) != b.Words.Any(Negations.Contains)) return true;
        var ordinalsA = a.Words.Where(Ordinals.Contains).ToHashSet();
        var ordinalsB = b.Words.Where(Ordinals.Contains).ToHashSet();
        return (ordinalsA.Count > 0 || ordinalsB.Count > 0) && !ordinalsA.SetEquals(ordinalsB);
    }

    /// <summary>The same word, or two forms of it: a common prefix of at least 4 letters that leaves at most two letters
    /// of the shorter word (kills/killed, Iran/Iranian, Ukraine/Ukrainian, Turkey/Turkish).</summary>
    private static bool Alike(string a, string b)
    {
        if (a == b) return true;
        var shorter = Math.Min(a.Length, b.Length);
        var common = 0;
        while (common < shorter && a[common] == b[common]) common++;
        return common >= Math.Max(4, shorter - 2);
    }

    [GeneratedRegex(@"\w+(?:'s)?")]
    private static partial Regex Word();

    [GeneratedRegex(@"\d+(?:[.,]\d+)?")]
    private static partial Regex Number();
}
