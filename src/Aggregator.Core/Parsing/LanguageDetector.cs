using System.Collections.Frozen;

namespace Aggregator.Parsing;

/// <summary>The language of an entry that declares none, from its title and summary. Non-Latin scripts say
/// it by themselves (Cyrillic is Russian unless Ukrainian, Belarusian, Serbian, Macedonian, Kazakh or
/// Bulgarian letters say otherwise; Arabic script is Urdu or Persian by their own letters, else Arabic;
/// kana is Japanese, Han alone Chinese...). Latin-script text is put to a vote of common short words;
/// with too few votes, or a tie, the answer is null: a wrong language would hide an entry from a `lang:`
/// rule, an unknown one does not.</summary>
/// <remarks>One pass over the characters and, for Latin text, one dictionary look-up per short word, with no
/// allocation: it runs for every entry whose feed declares no language.</remarks>
internal static class LanguageDetector
{
    private static readonly string[] LatinLanguages = ["en", "fr", "de", "es", "it", "pt", "nl", "tr"];

    /// <summary>Word → the languages (bits in <see cref="LatinLanguages"/> order) it is a common word of.</summary>
    private static readonly FrozenDictionary<string, int> StopWords = BuildStopWords();

    private static readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> StopWordLookup =
        StopWords.GetAlternateLookup<ReadOnlySpan<char>>();

    private const int MaxStopWordLength = 8;

    /// <summary>How much of the summary is read: a few sentences tell the script and the common words; a
    /// whole article would only cost time.</summary>
    private const int MaxSummaryLength = 300;

    public static string? Detect(string? title, string? summary)
    {
        var head = summary.AsSpan(0, Math.Min(summary?.Length ?? 0, MaxSummaryLength));
        var scripts = new ScriptCounts();
        // All-ASCII text is Latin script (or digits and signs), which the vote alone can tell.
        if (title.AsSpan().ContainsAnyExceptInRange('\0', '\u007F') || head.ContainsAnyExceptInRange('\0', '\u007F'))
        {
            scripts.Add(title);
            scripts.Add(head);
            if (scripts.NonLatinLanguage() is { } language) return language;
            if (scripts.Latin == 0) return null;
        }
        Span<int> votes = stackalloc int[LatinLanguages.Length];
        Vote(title, votes);
        Vote(head, votes);
        // Letters only one of these languages writes count as two votes each.
        if (scripts.Turkish > 0) votes[7] += 2;
        if (scripts.SharpS > 0) votes[2] += 2;
        if (scripts.PortugueseTilde > 0) votes[5] += 2;
        if (scripts.SpanishEnye > 0) votes[3] += 2;
        int best = -1, bestVotes = 0, second = 0;
        for (var i = 0; i < votes.Length; i++)
        {
            if (votes[i] > bestVotes) (second, bestVotes, best) = (bestVotes, votes[i], i);
            else if (votes[i] > second) second = votes[i];
        }
        return best >= 0 && bestVotes >= 2 && bestVotes > second ? LatinLanguages[best] : null;
    }

    private static void Vote(ReadOnlySpan<char> span, Span<int> votes)
    {
        Span<char> lower = stackalloc char[MaxStopWordLength];
        var i = 0;
        while (i < span.Length)
        {
            while (i < span.Length && !char.IsLetter(span[i])) i++;
            var start = i;
            while (i < span.Length && char.IsLetter(span[i])) i++;
            var length = i - start;
            if (length is 0 or > MaxStopWordLength) continue;
            span.Slice(start, length).ToLowerInvariant(lower);
            if (!StopWordLookup.TryGetValue(lower[..length], out var languages)) continue;
            for (var l = 0; l < votes.Length; l++)
            {
                if ((languages & (1 << l)) != 0) votes[l]++;
            }
        }
    }

    private static FrozenDictionary<string, int> BuildStopWords()
    {
        string[] lists =
        [
            "the and of to in is for on with that as at by from was are it be has have will an this after says said its were",
            "le la les des du et est une un dans pour qui sur pas au aux avec par que ce sont été selon mais ont",
            "der die das und ist nicht mit den dem ein eine zu von auf für im sich des auch wird nach bei einen wurde",
            "el los las del y que en por con para una es se su al como más sobre tras pero sus ha fue",
            "il gli della delle di che è per una con del dei non sono alla nel degli dalla anche ha un le",
            "os as do da dos das em que não uma com para por no na ao é foi mais pelo pela um se",
            "de het een en van in is dat op te met voor niet zijn ook aan bij wordt naar heeft",
            "ve bir bu için ile da de olarak çok daha gibi sonra olan ama en göre değil",
        ];
        var words = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var l = 0; l < lists.Length; l++)
        {
            foreach (var word in lists[l].Split(' ')) words[word] = words.GetValueOrDefault(word) | 1 << l;
        }
        return words.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Letters per script, and the few letters that tell languages of one script apart.</summary>
    private struct ScriptCounts
    {
        public int Latin, Cyrillic, Arabic, Hebrew, Greek, Han, Kana, Hangul, Thai, Devanagari, Armenian, Georgian;
        public int Ukrainian, Belarusian, Serbian, Macedonian, Kazakh, RussianOnly, HardSign, Persian, Urdu;
        public int Turkish, SharpS, PortugueseTilde, SpanishEnye;

        public void Add(ReadOnlySpan<char> text)
        {
            foreach (var c in text)
            {
                switch (c)
                {
                    case < 'A':
                        break;
                    case <= 'z':
                        if (char.IsAsciiLetter(c)) Latin++;
                        break;
                    case >= '\u00C0' and <= '\u024F':
                        if (c == '\u00D7' || c == '\u00F7') break;
                        Latin++;
                        if (c is '\u0131' or '\u011F' or '\u015F' or '\u011E' or '\u015E' or '\u0130') Turkish++;
                        else if (c == '\u00DF') SharpS++;
                        else if (c is '\u00E3' or '\u00F5' or '\u00C3' or '\u00D5') PortugueseTilde++;
                        else if (c is '\u00F1' or '\u00D1') SpanishEnye++;
                        break;
                    case >= '\u0370' and <= '\u03FF':
                    case >= '\u1F00' and <= '\u1FFF':
                        Greek++;
                        break;
                    case >= '\u0400' and <= '\u052F':
                        Cyrillic++;
                        Cyrillic1(c);
                        break;
                    case >= '\u0530' and <= '\u058F':
                        Armenian++;
                        break;
                    case >= '\u0590' and <= '\u05FF':
                    case >= '\uFB1D' and <= '\uFB4F':
                        Hebrew++;
                        break;
                    case >= '\u0600' and <= '\u06FF':
                    case >= '\u0750' and <= '\u077F':
                    case >= '\uFB50' and <= '\uFDFF':
                    case >= '\uFE70' and <= '\uFEFF':
                        Arabic++;
                        if (c is '\u0679' or '\u0688' or '\u0691' or '\u06BA' or '\u06D2' or '\u06D3') Urdu++;
                        else if (c is '\u067E' or '\u0686' or '\u0698' or '\u06AF' or '\u06A9' or '\u06CC') Persian++;
                        break;
                    case >= '\u0900' and <= '\u097F':
                        Devanagari++;
                        break;
                    case >= '\u0E00' and <= '\u0E7F':
                        Thai++;
                        break;
                    case >= '\u10A0' and <= '\u10FF':
                        Georgian++;
                        break;
                    case >= '\u1100' and <= '\u11FF':
                    case >= '\u3130' and <= '\u318F':
                    case >= '\uAC00' and <= '\uD7AF':
                        Hangul++;
                        break;
                    case >= '\u3040' and <= '\u30FF':
                    case >= '\u31F0' and <= '\u31FF':
                    case >= '\uFF66' and <= '\uFF9F':
                        if (c != '\u30FB' && c != '\u30FC') Kana++; // the middle dot and long-vowel mark are also written in Chinese
                        break;
                    case >= '\u3400' and <= '\u4DBF':
                    case >= '\u4E00' and <= '\u9FFF':
                    case >= '\uF900' and <= '\uFAFF':
                        Han++;
                        break;
                }
            }
        }

        private void Cyrillic1(char c)
        {
            switch (char.ToLowerInvariant(c))
            {
                case '\u0457' or '\u0454' or '\u0491': Ukrainian += 2; break; // ї є ґ
                case '\u0456': Ukrainian++; Belarusian++; break; // і
                case '\u045E': Belarusian += 2; break; // ў
                case '\u0452' or '\u045B' or '\u045F' or '\u0459' or '\u045A': Serbian++; break; // ђ ћ џ љ њ
                case '\u0458': Serbian++; Macedonian++; break; // ј
                case '\u0453' or '\u045C' or '\u0455': Macedonian += 2; break; // ѓ ќ ѕ
                case '\u04D9' or '\u0493' or '\u049B' or '\u04A3' or '\u04E9' or '\u04B1' or '\u04AF' or '\u04BB': Kazakh++; break;
                case '\u044B' or '\u044D' or '\u0451': RussianOnly++; break; // ы э ё
                case '\u044A': HardSign++; break; // ъ
            }
        }

        /// <summary>The language a non-Latin script says, when such letters outnumber the Latin ones.</summary>
        public readonly string? NonLatinLanguage()
        {
            var cjk = Han + Kana;
            var most = Math.Max(Math.Max(Math.Max(Cyrillic, Arabic), Math.Max(Hebrew, Greek)),
                Math.Max(Math.Max(cjk, Hangul), Math.Max(Math.Max(Thai, Devanagari), Math.Max(Armenian, Georgian))));
            if (most == 0 || most < Latin) return null;
            if (most == cjk) return Kana > 0 ? "ja" : "zh";
            if (most == Cyrillic) return CyrillicLanguage();
            if (most == Arabic) return Urdu > 0 ? "ur" : Persian > 0 ? "fa" : "ar";
            if (most == Hebrew) return "he";
            if (most == Greek) return "el";
            if (most == Hangul) return "ko";
            if (most == Thai) return "th";
            if (most == Devanagari) return "hi";
            return most == Armenian ? "hy" : "ka";
        }

        private readonly string CyrillicLanguage()
        {
            if (Kazakh > 0) return "kk";
            if (Belarusian > Ukrainian) return "be";
            if (Ukrainian > 0) return "uk";
            if (Macedonian > Serbian) return "mk";
            if (Serbian > 0) return "sr";
            // Bulgarian has no letter of its own, but writes ъ inside words and never ы, э or ё.
            return HardSign >= 2 && RussianOnly == 0 ? "bg" : "ru";
        }
    }
}
