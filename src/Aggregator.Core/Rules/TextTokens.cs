using System.Globalization;
using System.Text;

namespace Aggregator.Rules;

/// <summary>Splits text into words and folds them (lowercase, accents removed, Arabic-script letter variants
/// unified), the same way for entries, queries, highlights and the search index, so "Café" in a feed and
/// "cafe" in a rule are the same word, and so are "إيران" and "ايران", or "ی" and "ي". The table per script
/// is in docs/rules.md.</summary>
public static class TextTokens
{
    private const char ZeroWidthNonJoiner = '\u200C';
    private const char ZeroWidthJoiner = '\u200D';
    private const char Tatweel = '\u0640';
    private const char Alef = '\u0627';
    private const char Yeh = '\u064A';
    private const char Kaf = '\u0643';
    private const char Heh = '\u0647';

    public static List<string> Split(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text)) return tokens;
        foreach (var (start, length) in Words(text))
        {
            var folded = Fold(text.AsSpan(start, length));
            if (folded.Length > 0) tokens.Add(folded); // a lone tatweel or mark folds to nothing
        }
        return tokens;
    }

    /// <summary>Where each word of <paramref name="text"/> is, in order, before folding: for highlights, which mark
    /// the original text. Fold each with <see cref="Fold"/>; a word may fold to nothing (a lone tatweel).</summary>
    public static WordSpans Words(string text) => new(text);

    /// <summary>The words of <paramref name="text"/> as spans, without allocating: a struct enumerator.</summary>
    public struct WordSpans(string text)
    {
        private int _next;

        public (int Start, int Length) Current { get; private set; }

        public readonly WordSpans GetEnumerator() => this;

        public bool MoveNext()
        {
            var i = _next;
            while (i < text.Length && !IsWordChar(text[i]) && !IsIdeograph(text[i])) i++;
            if (i >= text.Length)
            {
                _next = i;
                return false;
            }
            var start = i;
            if (IsIdeograph(text[i]))
            {
                // Chinese and Japanese have no spaces: each ideograph is a word, so a query word is a phrase of them.
                Current = (start, 1);
                _next = i + 1;
                return true;
            }
            while (++i < text.Length)
            {
                var c = text[i];
                if (IsWordChar(c)) continue;
                // Persian writes one word in parts joined by a zero-width non-joiner (می‌خواهم): inside a word it joins.
                if (c is ZeroWidthNonJoiner or ZeroWidthJoiner && i + 1 < text.Length && IsWordChar(text[i + 1])) continue;
                break;
            }
            Current = (start, i - start);
            _next = i;
            return true;
        }
    }

    /// <summary>A letter, digit or combining mark that continues a word; ideographs are words of their own.</summary>
    private static bool IsWordChar(char c) => c < 0x80
        ? char.IsAsciiLetterOrDigit(c)
        : c < Folded.Length ? Lookup(c) != NotInWords : IsLetterDigitOrMark(c);

    private static bool IsLetterDigitOrMark(char c) => !IsIdeograph(c)
        && (char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark);

    private static bool IsIdeograph(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF');

    public static string Fold(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (c > 0x7F) return FoldNonAscii(word);
        }
        return word.ToString().ToLowerInvariant();
    }

    // Apart from the ASCII path above, so that one stays small enough to be inlined where words are split.
    private static string FoldNonAscii(ReadOnlySpan<char> word)
    {
        if (word.Length > 128) return FoldByDecomposition(word);
        Span<char> buffer = stackalloc char[word.Length]; // folding never lengthens a word
        return FoldInto(word, buffer) is >= 0 and var length ? new string(buffer[..length]) : FoldByDecomposition(word);
    }

    // What each char of Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic, Syriac and Thaana (U+0080 to U+07FF, and
    // U+1E00 to U+1FFF) folds to on its own: Dropped when it folds away (a mark, tatweel), Slow when it needs the
    // decomposition path, NotInWords for spaces and punctuation. Each entry is computed the first time its char is
    // met, by FoldByDecomposition itself, so both paths give the same words, and a process that reads only ASCII
    // never normalises anything. The table makes a Russian or Arabic word cost a lookup per letter instead of two
    // Unicode normalisations, which made tokenising such an entry seven times slower than an English one. Letter
    // by letter is the same as the whole word here because no two letters of these scripts compose into one (as
    // Hangul jamo or Indic vowel signs do, which are left to the decomposition path).
    private const char Unknown = '\0';
    private const char Dropped = '\uFFFD';
    private const char Slow = '\uFFFF';
    private const char NotInWords = '\uFFFE';
    private static readonly char[] Folded = new char[0x2000];

    /// <summary>The table's entry for <paramref name="c"/> (below U+2000), computed on first use. Threads that meet a
    /// char at once compute the same value; a char is written whole.</summary>
    private static char Lookup(char c)
    {
        var folded = Folded[c];
        return folded != Unknown ? folded : Folded[c] = Classify(c);
    }

    private static char Classify(char c)
    {
        if (!IsLetterDigitOrMark(c)) return NotInWords;
        if (c is >= '\u0800' and < '\u1E00' or '\u06D5') return Slow; // ە followed by a separate hamza is ۀ: a pair
        var single = c.ToString();
        var folded = FoldByDecomposition(single);
        return folded.Length switch
        {
            0 => Dropped,
            1 when single.IsNormalized(NormalizationForm.FormC) => folded[0],
            _ => Slow,
        };
    }

    /// <summary>Folds <paramref name="word"/> into <paramref name="destination"/> by the letter table, without allocating.</summary>
    /// <returns>The folded length, or -1 when a char needs the decomposition path or the word does not fit.</returns>
    private static int FoldInto(ReadOnlySpan<char> word, Span<char> destination)
    {
        if (word.Length > destination.Length) return -1;
        var length = 0;
        foreach (var c in word)
        {
            if (c is ZeroWidthNonJoiner or ZeroWidthJoiner) continue;
            if (c >= Folded.Length) return -1;
            var folded = Lookup(c);
            if (folded is Slow or NotInWords) return -1;
            if (folded != Dropped) destination[length++] = folded;
        }
        return length;
    }

    internal static string FoldByDecomposition(ReadOnlySpan<char> word)
    {
        // Canonical decomposition splits accents (é = e + ◌́, ё = е + ◌̈) and Arabic hamza and madda (أ = ا + ◌ٔ,
        // ئ = ي + ◌ٔ) from their letters, so that dropping the marks removes them along with harakat and niqqud.
        var decomposed = word.ToString().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        for (var i = 0; i < decomposed.Length; i++)
        {
            var c = decomposed[i];
            if (c is Tatweel or ZeroWidthNonJoiner or ZeroWidthJoiner) continue;
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark) continue;
            if (c == '\u06D5' && i + 1 < decomposed.Length && decomposed[i + 1] == '\u0654')
            {
                folded.Append(Heh); // ۀ (heh with yeh above, the Persian ezafe form) is a heh; a bare ە (Kurdish e) stays
                i++;
                continue;
            }
            folded.Append(FoldLetter(char.ToLowerInvariant(c)));
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }

    /// <summary>Letters written differently for the same sound, by region or habit, that decomposition keeps apart.</summary>
    private static char FoldLetter(char c) => c switch
    {
        '\u0671' or '\u0672' or '\u0673' or '\u0675' => Alef,    // ٱ wasla and alef with wavy or high hamza
        '\u06CC' or '\u0649' => Yeh,                             // Persian ی and alef maksura ى → Arabic ي
        '\u06A9' => Kaf,                                         // Persian ک → Arabic ك
        '\u0629' => Heh,                                         // teh marbuta ة → heh ه
        >= '\u0660' and <= '\u0669' => (char)('0' + (c - '\u0660')), // Arabic-Indic digits
        >= '\u06F0' and <= '\u06F9' => (char)('0' + (c - '\u06F0')), // Persian digits
        '\u03C2' => '\u03C3',                                    // Greek final sigma ς → σ
        _ => c,
    };

    // Arabic writes the conjunctions و and ف, the prepositions ب, ك and ل and the article ال attached to the
    // next word, in that order (ل + ال is written لل): "وإيران" is "and Iran", "بالعراق" "in Iraq".
    private static readonly string[] ArabicPrefixes = BuildArabicPrefixes();

    private static string[] BuildArabicPrefixes()
    {
        var prefixes = new List<string>();
        foreach (var conjunction in new[] { "", "\u0648", "\u0641" })
        {
            foreach (var preposition in new[] { "", "\u0628", "\u0643", "\u0644" })
            {
                foreach (var article in new[] { "", "\u0627\u0644" })
                {
                    var prefix = conjunction + (preposition == "\u0644" && article.Length > 0 ? "\u0644\u0644" : preposition + article);
                    if (prefix.Length > 0) prefixes.Add(prefix);
                }
            }
        }
        return [.. prefixes.OrderBy(p => p.Length)];
    }

    /// <summary>A folded entry word without each Arabic attached prefix it starts with, where at least three letters
    /// remain (so ولد "boy" keeps its و: لد is no word to match), and with its article where لل stands for ل + ال;
    /// null for almost every word. The stripped forms stand at the word's own position, beside it: a query word
    /// (never stripped) matches either, so إيران finds وإيران and لإيران, and phrases and NEAR still count
    /// positions as written.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static string[]? StrippedForms(string folded) =>
        // Every prefix starts with one of these letters: inlined, this costs any other word two comparisons.
        folded.Length < 4 || folded[0] < Alef || folded[0] is not ('\u0648' or '\u0641' or '\u0628' or '\u0643' or '\u0644' or Alef)
            ? null
            : Strip(folded);

    private static string[]? Strip(string folded)
    {
        string[]? forms = null;
        var count = 0;
        foreach (var prefix in ArabicPrefixes)
        {
            if (folded.Length - prefix.Length < 3) break; // sorted by length: longer ones leave even less
            if (!folded.StartsWith(prefix, StringComparison.Ordinal)) continue;
            Add(folded[prefix.Length..]);
            // ل + ال is written لل: للمدينة is "for the city", so it holds المدينة too.
            if (prefix.EndsWith("\u0644\u0644", StringComparison.Ordinal)) Add("\u0627\u0644" + folded[prefix.Length..]);
        }
        return forms is null ? null : count == forms.Length ? forms : forms[..count];

        void Add(string form)
        {
            forms ??= new string[4];
            if (count == forms.Length) Array.Resize(ref forms, count * 2);
            forms[count++] = form;
        }
    }

    /// <summary>The distinct folded words of the texts and their stripped Arabic forms, separated by spaces: what the
    /// search index (entries_fts) holds for an entry, so that it finds what the matcher would.</summary>
    public static string IndexText(params ReadOnlySpan<string?> texts)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var known = seen.GetAlternateLookup<ReadOnlySpan<char>>();
        var line = new StringBuilder();
        Span<char> buffer = stackalloc char[128];
        foreach (var text in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            foreach (var (start, length) in Words(text))
            {
                // A word seen before costs no string: an article repeats most of its words.
                var word = text.AsSpan(start, length);
                var folded = FoldInto(word, buffer) is >= 0 and var n ? buffer[..n] : Fold(word).AsSpan();
                if (folded.Length == 0 || known.Contains(folded)) continue;
                var added = folded.ToString();
                Add(added);
                if (StrippedForms(added) is not { } forms) continue;
                foreach (var form in forms) Add(form);
            }
        }
        return line.ToString();

        void Add(string word)
        {
            if (!seen.Add(word)) return;
            if (line.Length > 0) line.Append(' ');
            line.Append(word);
        }
    }
}
