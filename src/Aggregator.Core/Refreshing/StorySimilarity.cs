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

    /// <summary>Titles this close but under <see cref="Threshold"/> are the same story when their first sentences are
    /// (chosen on tests/.../Refreshing/Data/lead-pairs.tsv, docs/stories.md).</summary>
    public const double CloseThreshold = 0.35;

    /// <summary>How much of a summary is searched for the end of its first sentence.</summary>
    private const int MaxLeadLength = 400;

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
        internal Text(string[] words, string[] content, string[] names, string[] numbers, Text? lead = null)
        {
            Words = words;
            Content = content;
            Names = names;
            Numbers = numbers;
            Lead = lead;
        }

        internal string[] Words { get; }
        internal string[] Content { get; }
        internal string[] Names { get; }
        internal string[] Numbers { get; }

        /// <summary>The summary's first sentence, compared the same way; null when the entry has none.</summary>
        internal Text? Lead { get; }

        /// <summary>As kept in matches.story_words: the folded words, the names and the numbers, each list
        /// space-separated, the three joined by '|' (words are runs of letters and digits: neither character occurs);
        /// then, when there is a first sentence, its three lists the same way (six parts). Rows stored before the first
        /// sentence was kept have three parts and compare by title alone.</summary>
        public string Stored => Lists(this) + (Lead is null ? "" : "|" + Lists(Lead));

        private static string Lists(Text t) =>
            string.Join(' ', t.Words) + "|" + string.Join(' ', t.Names) + "|" + string.Join(' ', t.Numbers);

        /// <summary>Reads back <see cref="Stored"/> without folding or matching anything again: a candidate costs
        /// a few splits and a stop-word lookup per word.</summary>
        public static Text FromStored(string stored)
        {
            var parts = stored.Split('|');
            var lead = parts.Length >= 6 ? Read(parts, 3, null) : null;
            return Read(parts, 0, lead);
        }

        private static Text Read(string[] parts, int at, Text? lead)
        {
            var words = Split(parts[at]);
            return new Text(words, ContentOf(words), parts.Length > at + 1 ? Split(parts[at + 1]) : [],
                parts.Length > at + 2 ? Split(parts[at + 2]) : [], lead);
        }

        private static string[] Split(string list) => list.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    private static string[] ContentOf(IEnumerable<string> words) =>
        words.Where(w => w.Length > 1 && !StopWords.Contains(w)).Distinct().ToArray();

    /// <summary>A headline with the first sentence of its summary (plain text, as parsed), when it has one.</summary>
    public static Text Of(string? headline, string? summary)
    {
        var title = Of(headline);
        var sentence = FirstSentence(summary);
        if (sentence is null) return title;
        var lead = Of(sentence);
        return lead.Content.Length == 0 ? title : new Text(title.Words, title.Content, title.Names, title.Numbers, lead);
    }

    /// <summary>The summary up to the first full stop, question or exclamation mark followed by a space and a capital
    /// (or the end), skipping stops after one- or two-letter words ("U.S.", "Mr.", "a.m."); null when there is no text.
    /// A summary with no such end is cut at <see cref="MaxLeadLength"/>.</summary>
    internal static string? FirstSentence(string? summary)
    {
        if (string.IsNullOrWhiteSpace(summary)) return null;
        var text = summary.Trim();
        // A wire dateline ("MOSCOW (Reuters) - ", "BEIRUT, Dec 3 (AP) — ") names the agency and the place of filing, not
        // the event: two outlets' copies of one story differ there, and its names would veto them as two stories.
        if (Dateline().Match(text) is { Success: true } dateline && dateline.Length < text.Length) text = text[dateline.Length..];
        var end = Math.Min(text.Length, MaxLeadLength);
        foreach (Match stop in SentenceEnd().Matches(text))
        {
            if (stop.Index >= MaxLeadLength) break;
            var wordStart = stop.Index;
            while (wordStart > 0 && char.IsLetter(text[wordStart - 1])) wordStart--;
            if (stop.Index - wordStart is 1 or 2) continue;
            end = stop.Index + 1;
            break;
        }
        return text[..end];
    }

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

    /// <summary>Whether <paramref name="a"/> and <paramref name="b"/> tell the same story: by the titles, and, when
    /// both have a first sentence, by those too. Titles judged the same are vetoed by first sentences that differ in
    /// numbers or names; close titles (<see cref="CloseThreshold"/>) are confirmed by first sentences judged the same.</summary>
    public static bool Same(Text a, Text b)
    {
        if (Differ(a, b)) return false;
        var similarity = Similarity(a, b);
        if (a.Lead is not { } leadA || b.Lead is not { } leadB) return similarity >= Threshold;
        if (similarity >= Threshold) return !DifferInFacts(leadA, leadB);
        return similarity >= CloseThreshold && Similarity(leadA, leadB) >= Threshold && !Differ(leadA, leadB);
    }

    /// <summary>Whether both have a first sentence and these differ in numbers or names: the same title over another
    /// event ("Gunmen attack church in Burkina Faso" on Sunday, 15 killed; again on Wednesday, a pastor abducted).</summary>
    public static bool LeadsDisagree(Text a, Text b) => a.Lead is { } leadA && b.Lead is { } leadB && DifferInFacts(leadA, leadB);

    /// <summary>Numbers or names that say two first sentences tell two events.</summary>
    private static bool DifferInFacts(Text a, Text b) =>
        (a.Numbers.Length > 0 && b.Numbers.Length > 0 && !a.Numbers.ToHashSet().SetEquals(b.Numbers))
        || (a.Names.Any(n => !b.Words.Any(w => Alike(n, w))) && b.Names.Any(n => !a.Words.Any(w => Alike(n, w))));

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

    /// <summary>A dateline: a place in capitals (with a date or an agency in parentheses after it), or any short
    /// opening with an agency in parentheses, then a dash.</summary>
    [GeneratedRegex(@"^(?:\p{Lu}{2,}[\p{Lu} .'’/-]*(?:,[^()\n]{1,30}?)?(?:\s*\([^()\n]{1,30}\))?|[^()\n]{1,40}?\([^()\n]{1,30}\))\s*[-–—]{1,2}\s+")]
    private static partial Regex Dateline();

    [GeneratedRegex(@"[.!?](?=\s+[\p{Lu}\p{Lo}""'“‘«]|\s*$)")]
    private static partial Regex SentenceEnd();
}
