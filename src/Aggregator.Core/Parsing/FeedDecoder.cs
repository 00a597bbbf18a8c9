using System.Text;
using System.Text.RegularExpressions;
using System.Text.Unicode;

namespace Aggregator.Parsing;

/// <summary>Bytes to text the way feeds need it: a BOM first, then what is declared (the HTTP charset, the
/// XML declaration, an HTML &lt;meta charset&gt;), then, when nothing is declared or what is declared cannot
/// be right, the bytes themselves (<see cref="CharsetGuess"/>). Valid UTF-8 and pure ASCII take the fast
/// path and never meet the detector.</summary>
internal static partial class FeedDecoder
{
    private static readonly Encoding Windows1252;

    static FeedDecoder()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Windows1252 = Encoding.GetEncoding(1252);
    }

    /// <param name="utf8">Whether the text was read as UTF-8 (so UTF-8 saved twice can be in it).</param>
    public static string Decode(ReadOnlySpan<byte> body, string? contentType, FeedProblems problems, out bool utf8)
    {
        utf8 = true;
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Utf8WithStrays(body[3..], problems);
        utf8 = false;
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0])) return Encoding.UTF32.GetString(body[4..]);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(body[2..]);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(body[2..]);
        if (body.Length >= 4 && body[0] == '<' && body[1] == 0 && body[2] == '?' && body[3] == 0) return Encoding.Unicode.GetString(body);
        if (body.Length >= 4 && body[0] == 0 && body[1] == '<' && body[2] == 0 && body[3] == '?') return Encoding.BigEndianUnicode.GetString(body);

        var declared = Charset(contentType) ?? DeclaredInDocument(body);
        var encoding = declared is null ? null : Known(declared);
        if (declared is not null && encoding is null) problems.Add($"unknown encoding '{declared}'; read as UTF-8 or as detected");
        if (encoding is null || encoding.CodePage == 65001 || IsUnicode(encoding))
        {
            if (encoding is not null && IsUnicode(encoding)) problems.Add($"declared {declared} but the bytes are not; read as UTF-8");
            utf8 = true;
            if (Utf8.IsValid(body)) return Encoding.UTF8.GetString(body);
            // A few stray Latin-1 bytes in UTF-8 are read one by one; a document of another charset, as that charset.
            if (!MostlyUtf8(body) && CharsetGuess.Detect(body) is { } detected && !CharsetGuess.IsLatin1(detected))
            {
                utf8 = false;
                problems.Add(encoding is null
                    ? $"no charset declared; detected {Name(detected)}"
                    : $"declared {declared} but the bytes are {Name(detected)}; read as {Name(detected)}");
                return detected.GetString(body);
            }
            return Utf8WithStrays(body, problems);
        }
        if (body.IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0) return encoding.GetString(body);
        if (Utf8.IsValid(body))
        {
            // Valid multi-byte UTF-8 is next to impossible in text of another charset: UTF-8 declared as
            // something else (most often Latin-1) is the common mistake.
            problems.Add($"declared {declared} but is UTF-8; read as UTF-8");
            utf8 = true;
            return Encoding.UTF8.GetString(body);
        }
        // windows-1252 keeps curly quotes sent as 0x80-0x9F, which a Latin-1 declaration usually means.
        if (CharsetGuess.IsLatin1(encoding)) encoding = Windows1252;
        var text = encoding.GetString(body);
        // What is declared cannot be right when the bytes spell another script in it (KOI8-R declared
        // windows-1252 reads as runs of accented capitals) or are not valid in it (U+FFFD).
        if ((CharsetGuess.IsLatin1(encoding) ? HighByteRuns(body) : text.Contains('\uFFFD') && body.IndexOf("\uFFFD"u8) < 0)
            && CharsetGuess.Detect(body) is { } guessed && guessed.CodePage != encoding.CodePage && !CharsetGuess.IsLatin1(guessed))
        {
            problems.Add($"declared {declared} but the bytes are {Name(guessed)}; read as {Name(guessed)}");
            return guessed.GetString(body);
        }
        return text;
    }

    private static Encoding? Known(string name)
    {
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static string Name(Encoding encoding) => encoding.WebName.ToLowerInvariant();

    private static bool IsUnicode(Encoding encoding) => encoding.CodePage is 1200 or 1201 or 12000 or 12001;

    /// <summary>Whether the non-ASCII bytes are mostly valid UTF-8 sequences: then the others are strays.</summary>
    private static bool MostlyUtf8(ReadOnlySpan<byte> body)
    {
        int valid = 0, invalid = 0;
        while (true)
        {
            var next = body.IndexOfAnyInRange((byte)0x80, (byte)0xFF);
            if (next < 0) break;
            body = body[next..];
            if (System.Text.Rune.DecodeFromUtf8(body, out _, out var consumed) == System.Buffers.OperationStatus.Done) valid++;
            else invalid++;
            body = body[consumed..];
        }
        // Up to three stray bytes are strays whatever else is there: the detector cannot judge so few.
        return invalid < 4 || valid >= 4 * invalid;
    }

    /// <summary>Whether non-ASCII bytes come in runs, as whole words of a single-byte Cyrillic, Greek, Arabic or
    /// Hebrew charset do; in Latin text they are accents alone among ASCII letters ("été", "Größe").</summary>
    private static bool HighByteRuns(ReadOnlySpan<byte> body)
    {
        int high = 0, followed = 0;
        var previousHigh = false;
        foreach (var b in body)
        {
            var isHigh = b >= 0x80;
            if (isHigh)
            {
                high++;
                if (previousHigh) followed++;
            }
            previousHigh = isHigh;
        }
        return followed >= 8 && followed * 4 >= high;
    }

    /// <summary>UTF-8, where each byte that is not part of a valid sequence is read as windows-1252: one stray
    /// Latin-1 byte in an otherwise UTF-8 feed must not turn every other accent into mojibake.</summary>
    private static string Utf8WithStrays(ReadOnlySpan<byte> body, FeedProblems problems)
    {
        if (Utf8.IsValid(body)) return Encoding.UTF8.GetString(body);
        problems.Add("bytes that are not valid UTF-8; those read as windows-1252");
        var text = new StringBuilder(body.Length);
        Span<char> buffer = stackalloc char[1024];
        while (!body.IsEmpty)
        {
            var status = Utf8.ToUtf16(body, buffer, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: true);
            text.Append(buffer[..written]);
            body = body[read..];
            if (status == System.Buffers.OperationStatus.InvalidData || status == System.Buffers.OperationStatus.NeedMoreData)
            {
                text.Append(Windows1252.GetString(body[..1]));
                body = body[1..];
            }
        }
        return text.ToString();
    }

    private static string? Charset(string? contentType)
    {
        if (contentType is null) return null;
        var match = CharsetPattern().Match(contentType);
        return match.Success ? match.Groups[1].Value.Trim('"', '\'', ' ') : null;
    }

    /// <summary>The XML declaration's encoding, else an HTML &lt;meta charset&gt; near the top.</summary>
    private static string? DeclaredInDocument(ReadOnlySpan<byte> body)
    {
        var head = Encoding.ASCII.GetString(body[..Math.Min(body.Length, 1024)]);
        var match = DeclarationPattern().Match(head);
        if (match.Success) return match.Groups[1].Value;
        if (!head.Contains("<meta", StringComparison.OrdinalIgnoreCase)) return null;
        match = MetaCharsetPattern().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("charset=([^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CharsetPattern();

    [GeneratedRegex("""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex DeclarationPattern();

    [GeneratedRegex("""<meta\b[^>]*?charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex MetaCharsetPattern();
}
