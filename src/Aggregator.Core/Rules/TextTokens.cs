using System.Globalization;
using System.Text;

namespace Aggregator.Rules;

/// <summary>Splits text into words and folds them (lowercase, accents removed), the same way for
/// entries and for queries, so "Café" in a feed and "cafe" in a rule are the same word.</summary>
public static class TextTokens
{
    public static List<string> Split(string? text)
    {
        var tokens = new List<string>();
        if (string.IsNullOrEmpty(text)) return tokens;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var c = i < text.Length ? text[i] : ' ';
            if (IsIdeograph(c))
            {
                // Chinese and Japanese have no spaces: each ideograph is a word, so a query word is a phrase of them.
                if (start >= 0) tokens.Add(Fold(text.AsSpan(start, i - start)));
                tokens.Add(Fold(text.AsSpan(i, 1)));
                start = -1;
            }
            else if (IsWordChar(c))
            {
                if (start < 0) start = i;
            }
            else if (start >= 0)
            {
                tokens.Add(Fold(text.AsSpan(start, i - start)));
                start = -1;
            }
        }
        return tokens;
    }

    private static bool IsWordChar(char c) =>
        char.IsLetterOrDigit(c) || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark;

    private static bool IsIdeograph(char c) => c is (>= '\u3040' and <= '\u30FF') or (>= '\u3400' and <= '\u4DBF') or (>= '\u4E00' and <= '\u9FFF');

    public static string Fold(ReadOnlySpan<char> word)
    {
        var ascii = true;
        foreach (var c in word)
        {
            if (c > 0x7F) { ascii = false; break; }
        }
        if (ascii) return word.ToString().ToLowerInvariant();

        var decomposed = word.ToString().Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) folded.Append(char.ToLowerInvariant(c));
        }
        return folded.ToString().Normalize(NormalizationForm.FormC);
    }
}
