using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>Bytes to text the way feeds need it: BOM first, then the HTTP charset, then the XML
/// declaration, else UTF-8; bytes that are not valid in the declared UTF-8 or Latin-1 are read as
/// windows-1252, the usual truth behind both mis-declarations.</summary>
internal static partial class FeedDecoder
{
    private static readonly Encoding Windows1252;

    static FeedDecoder()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Windows1252 = Encoding.GetEncoding(1252);
    }

    /// <param name="utf8">Whether the document was read as the UTF-8 it says it is (a BOM, its declaration, or none).</param>
    public static string Decode(ReadOnlySpan<byte> body, string? contentType, List<string> problems, out bool utf8)
    {
        utf8 = true;
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Utf8OrFallback(body[3..], problems);
        utf8 = false;
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0])) return Encoding.UTF32.GetString(body[4..]);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(body[2..]);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(body[2..]);
        if (body.Length >= 4 && body[0] == '<' && body[1] == 0 && body[2] == '?' && body[3] == 0) return Encoding.Unicode.GetString(body);
        if (body.Length >= 4 && body[0] == 0 && body[1] == '<' && body[2] == 0 && body[3] == '?') return Encoding.BigEndianUnicode.GetString(body);

        var declared = Charset(contentType) ?? XmlDeclarationEncoding(body);
        if (declared is null || IsUtf8(declared))
        {
            utf8 = true;
            return Utf8OrFallback(body, problems);
        }
        if (declared.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase) || declared.Equals("latin1", StringComparison.OrdinalIgnoreCase)
            || declared.Equals("us-ascii", StringComparison.OrdinalIgnoreCase) || declared.Equals("windows-1252", StringComparison.OrdinalIgnoreCase))
        {
            // UTF-8 declared as Latin-1 is the common mistake: valid multi-byte UTF-8 is next to impossible in real Latin-1 text.
            if (!System.Text.Unicode.Utf8.IsValid(body)) return Windows1252.GetString(body); // 1252 keeps curly quotes sent as 0x80-0x9F
            if (body.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0) problems.Add($"declared {declared} but is UTF-8; read as UTF-8");
            return Encoding.UTF8.GetString(body);
        }

        try
        {
            return Encoding.GetEncoding(declared).GetString(body);
        }
        catch (ArgumentException)
        {
            problems.Add($"unknown encoding '{declared}'; read as UTF-8");
            return Utf8OrFallback(body, problems);
        }
    }

    /// <summary><see cref="RepairDoubleEncoding(string?)"/> on each text between markup of a UTF-8 document,
    /// before entities and whitespace are touched (a double-encoded "à" ends in a no-break space).</summary>
    public static string RepairDoubleEncodedText(string document, List<string> problems)
    {
        if (document.AsSpan().IndexOfAnyInRange('\u0080', '\u00FF') < 0) return document;
        System.Text.StringBuilder? repaired = null;
        var copied = 0;
        for (var start = 0; start < document.Length;)
        {
            var end = document.AsSpan(start).IndexOfAny('<', '>');
            end = end < 0 ? document.Length : start + end;
            var text = document.AsSpan(start, end - start);
            // Only text that is all Latin-1 with some of it beyond ASCII can be a candidate; most is not.
            if (text.IndexOfAnyInRange('\u0080', '\u00FF') >= 0 && text.IndexOfAnyExceptInRange('\0', '\u00FF') < 0)
            {
                var bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(text.Length);
                var count = Encoding.Latin1.GetBytes(text, bytes);
                if (System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(0, count)))
                {
                    repaired ??= new System.Text.StringBuilder(document.Length);
                    repaired.Append(document, copied, start - copied).Append(Encoding.UTF8.GetString(bytes, 0, count));
                    copied = end;
                }
                System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
            }
            start = end + 1;
        }
        if (repaired is null) return document;
        problems.Add("UTF-8 text that had been read as Latin-1 and saved again; repaired");
        return repaired.Append(document, copied, document.Length - copied).ToString();
    }

    /// <summary>feedparser's repair of one text read from a UTF-8 document: when every character is Latin-1
    /// and those bytes are valid UTF-8, the text was UTF-8 taken for Latin-1 and saved again ("Â£" for "£",
    /// "Ã©" for "é"). Text with any character beyond Latin-1 ("â€º", where € gives it away as windows-1252)
    /// is left as it is, as feedparser leaves it.</summary>
    public static string? RepairDoubleEncoding(string? text)
    {
        if (text is null || text.AsSpan().IndexOfAnyInRange('\u0080', '\u00FF') < 0) return text;
        if (text.AsSpan().IndexOfAnyExceptInRange('\0', '\u00FF') >= 0) return text;
        var bytes = Encoding.Latin1.GetBytes(text);
        return System.Text.Unicode.Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : text;
    }

    /// <summary>UTF-8, where each byte that is not part of a valid sequence is read as windows-1252: one stray
    /// Latin-1 byte in an otherwise UTF-8 feed must not turn every other accent into mojibake.</summary>
    private static string Utf8OrFallback(ReadOnlySpan<byte> body, List<string> problems)
    {
        if (System.Text.Unicode.Utf8.IsValid(body)) return Encoding.UTF8.GetString(body);
        problems.Add("bytes that are not valid UTF-8; those read as windows-1252");
        var text = new StringBuilder(body.Length);
        Span<char> buffer = stackalloc char[1024];
        while (!body.IsEmpty)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(body, buffer, out var read, out var written, replaceInvalidSequences: false, isFinalBlock: true);
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

    private static bool IsUtf8(string name) => name.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || name.Equals("utf8", StringComparison.OrdinalIgnoreCase);

    private static string? Charset(string? contentType)
    {
        if (contentType is null) return null;
        var match = CharsetPattern().Match(contentType);
        return match.Success ? match.Groups[1].Value.Trim('"', '\'', ' ') : null;
    }

    private static string? XmlDeclarationEncoding(ReadOnlySpan<byte> body)
    {
        var head = Encoding.ASCII.GetString(body[..Math.Min(body.Length, 512)]);
        var match = DeclarationPattern().Match(head);
        return match.Success ? match.Groups[1].Value : null;
    }

    [GeneratedRegex("charset=([^;]+)", RegexOptions.IgnoreCase)]
    private static partial Regex CharsetPattern();

    [GeneratedRegex("""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", RegexOptions.IgnoreCase)]
    private static partial Regex DeclarationPattern();
}
