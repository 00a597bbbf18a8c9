using System.Text;
using System.Text.RegularExpressions;

namespace Aggregator.Parsing;

/// <summary>Bytes to text the way feeds need it: BOM first, then the HTTP charset, then the XML
/// declaration, else UTF-8; bytes that are not valid in the declared UTF-8 or Latin-1 are read as
/// windows-1252, the usual truth behind both mis-declarations.</summary>
internal static partial class FeedDecoder
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding Windows1252;

    static FeedDecoder()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Windows1252 = Encoding.GetEncoding(1252);
    }

    public static string Decode(ReadOnlySpan<byte> body, string? contentType, List<string> problems)
    {
        if (body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Utf8OrFallback(body[3..], problems);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0])) return Encoding.UTF32.GetString(body[4..]);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(body[2..]);
        if (body.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(body[2..]);
        if (body.Length >= 4 && body[0] == '<' && body[1] == 0 && body[2] == '?' && body[3] == 0) return Encoding.Unicode.GetString(body);
        if (body.Length >= 4 && body[0] == 0 && body[1] == '<' && body[2] == 0 && body[3] == '?') return Encoding.BigEndianUnicode.GetString(body);

        var declared = Charset(contentType) ?? XmlDeclarationEncoding(body);
        if (declared is null || IsUtf8(declared)) return Utf8OrFallback(body, problems);
        if (declared.Equals("iso-8859-1", StringComparison.OrdinalIgnoreCase) || declared.Equals("latin1", StringComparison.OrdinalIgnoreCase)
            || declared.Equals("us-ascii", StringComparison.OrdinalIgnoreCase))
            return Windows1252.GetString(body); // a superset that keeps curly quotes sent as 0x80-0x9F

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

    private static string Utf8OrFallback(ReadOnlySpan<byte> body, List<string> problems)
    {
        try
        {
            return StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            problems.Add("bytes that are not UTF-8; read as windows-1252");
            return Windows1252.GetString(body);
        }
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
