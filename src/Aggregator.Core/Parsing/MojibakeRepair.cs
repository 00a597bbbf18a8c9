using System.Buffers;
using System.Text;

namespace Aggregator.Parsing;

/// <summary>Undoes the commonest mojibake: UTF-8 text that was read as windows-1252 (or Latin-1) and saved
/// again as UTF-8, so each non-ASCII character became two to four: "Ã©" for "é", "Â£" for "£", "â€œ" for
/// "“", "ÐœÐ¾Ñ" for "Мос", "Ø§Ù„" for "ال", "æ±äº¬" for "東京". Learnt from ftfy (rspeer/python-ftfy),
/// written small: each such sequence is put back into windows-1252 bytes (the five bytes windows-1252
/// leaves undefined stand for themselves as C1 control characters) and read as UTF-8.</summary>
/// <remarks>
/// A text between markup is repaired only when that is clearly better: every sequence replaced is valid
/// UTF-8, and the result has fewer unlikely characters (<see cref="Unlikely"/>) than the text had. So a
/// French "Ã©tÃ©" is repaired, while correct text is left alone: Portuguese "SÃO" and Icelandic "Ðú" are
/// no UTF-8 sequence; "NÃO”" after a letter is a word and its closing quote, not mojibake.
/// Documents without a character in U+0080..U+00FF pay one vectorised scan.
/// </remarks>
internal static class MojibakeRepair
{
    /// <summary>windows-1252's 0x80-0x9F; the undefined ones (0x81, 0x8D, 0x8F, 0x90, 0x9D) as the C1 control of the same number.</summary>
    private const string High1252 = "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F"
        + "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    /// <summary>Text read as UTF-8 that was saved twice: doubly-mangled text is repaired in up to this many rounds.</summary>
    private const int MaxRounds = 3;

    /// <summary>Repairs each text between tags of a document read as UTF-8 (CDATA's content is text), before
    /// entities and whitespace are touched (a mangled "à" ends in a no-break space). Tags are left as they
    /// are: their attributes are URLs and ids, and a changed id would store an entry a second time.</summary>
    public static string RepairDocument(string document, FeedProblems problems)
    {
        if (!HasCandidate(document)) return document;
        StringBuilder? repaired = null;
        var copied = 0;
        var count = 0;
        for (var start = 0; start < document.Length;)
        {
            var end = document.IndexOf('<', start);
            if (end < 0) end = document.Length;
            if (end > start && Repair(document.AsSpan(start, end - start)) is { } text)
            {
                repaired ??= new StringBuilder(document.Length);
                repaired.Append(document, copied, start - copied).Append(text);
                copied = end;
                count++;
            }
            if (end == document.Length) break;
            if (string.CompareOrdinal(document, end, "<![CDATA[", 0, 9) == 0) start = end + 9;
            else
            {
                var close = document.IndexOf('>', end);
                start = close < 0 ? document.Length : close + 1;
            }
        }
        if (repaired is null) return document;
        problems.Add($"UTF-8 text that had been read as windows-1252 and saved again; repaired {count} {(count == 1 ? "text" : "texts")}");
        return repaired.Append(document, copied, document.Length - copied).ToString();
    }

    /// <summary>The repaired text, or null when it is not clearly better (or there is nothing to repair).</summary>
    public static string? Repair(ReadOnlySpan<char> text)
    {
        if (!HasCandidate(text)) return null;
        string? result = null;
        var current = text;
        var unlikely = Unlikely(current);
        for (var round = 0; round < MaxRounds && unlikely > 0; round++)
        {
            var candidate = DecodeSequences(current);
            if (candidate is null) break;
            var candidateUnlikely = Unlikely(candidate);
            if (candidateUnlikely >= unlikely) break;
            result = candidate;
            current = candidate;
            unlikely = candidateUnlikely;
        }
        return result;
    }

    /// <summary>How many characters look like mojibake rather than writing: C1 controls and U+FFFD; IPA and
    /// modifier letters (what a wrong repair of Latin text makes); and a UTF-8 lead byte's character
    /// (Â..ô) followed by a continuation byte's (0x80..0xBF: € ‚ … “ ” © ® ° ± « » and the like), unless it
    /// is a capital closing a word before its closing quote ("NÃO”").</summary>
    public static int Unlikely(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is (>= '\u0080' and <= '\u009F') or '\uFFFD' or (>= '\u0250' and <= '\u02FF' and not '\u02C6' and not '\u02DC')) count++;
            else if (c is >= '\u00C2' and <= '\u00F4' && i + 1 < text.Length && Continuation(text[i + 1]) && !ClosesAWord(text, i)) count++;
        }
        return count;
    }

    private static bool ClosesAWord(ReadOnlySpan<char> text, int i) =>
        char.IsUpper(text[i]) && i > 0 && char.IsLetter(text[i - 1]) && text[i + 1] is '\u2019' or '\u201D' or '\u00BB' or '\u203A';

    /// <summary>Whether there is a C1 control, or a lead character followed by a continuation one: the cheap
    /// check that lets ordinary documents, accents and all ("Müller", "résumé"), through untouched.</summary>
    private static bool HasCandidate(ReadOnlySpan<char> text)
    {
        if (text.IndexOfAnyInRange('\u0080', '\u009F') >= 0) return true;
        for (var at = 0; ;)
        {
            var lead = text[at..].IndexOfAnyInRange('\u00C2', '\u00F4');
            if (lead < 0) return false;
            at += lead + 1;
            if (at < text.Length && Continuation(text[at])) return true;
        }
    }

    /// <summary>Replaces every lead character followed by its continuation characters that together are
    /// valid UTF-8 by the character they encode, and every other C1 control by its windows-1252 character
    /// (0x93 read as Latin-1 is "“", as browsers take it); null when nothing changes.</summary>
    private static string? DecodeSequences(ReadOnlySpan<char> text)
    {
        var result = new StringBuilder(text.Length);
        var changed = false;
        var copied = 0;
        Span<byte> bytes = stackalloc byte[4];
        Span<char> chars = stackalloc char[2];
        for (var i = 0; i < text.Length; i++)
        {
            var lead = Byte(text[i]);
            var length = lead switch { >= 0xC2 and <= 0xDF => 2, >= 0xE0 and <= 0xEF => 3, >= 0xF0 and <= 0xF4 => 4, _ => 0 };
            if (length == 0 || i + length > text.Length) continue;
            bytes[0] = (byte)lead;
            var complete = true;
            for (var k = 1; k < length && complete; k++)
            {
                var b = Byte(text[i + k]);
                complete = b is >= 0x80 and <= 0xBF;
                bytes[k] = (byte)b;
            }
            if (!complete || Rune.DecodeFromUtf8(bytes[..length], out var rune, out _) != OperationStatus.Done) continue;
            changed |= AppendMapped(result, text[copied..i]);
            result.Append(chars[..rune.EncodeToUtf16(chars)]);
            changed = true;
            i += length - 1;
            copied = i + 1;
        }
        changed |= AppendMapped(result, text[copied..]);
        return changed ? result.ToString() : null;
    }

    /// <returns>Whether a C1 control was mapped.</returns>
    private static bool AppendMapped(StringBuilder result, ReadOnlySpan<char> text)
    {
        var mapped = false;
        foreach (var c in text)
        {
            var windows = c is >= '\u0080' and <= '\u009F' ? High1252[c - 0x80] : c;
            mapped |= windows != c;
            result.Append(windows);
        }
        return mapped;
    }

    private static bool Continuation(char c) => Byte(c) is >= 0x80 and <= 0xBF;

    /// <summary>The byte windows-1252 (or Latin-1, for C1 controls) writes for the character; -1 when none.</summary>
    private static int Byte(char c)
    {
        if (c <= '\u00FF') return c;
        var at = High1252.IndexOf(c);
        return at < 0 ? -1 : 0x80 + at;
    }
}
