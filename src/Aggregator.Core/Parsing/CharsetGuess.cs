using System.Buffers;
using System.Text;
using UtfUnknown;

namespace Aggregator.Parsing;

/// <summary>The charset of a document that declares none, or declares one its bytes cannot be in, found by
/// Mozilla's detector (uchardet, ported to .NET as UTF.Unknown). It tells windows-1251 from KOI8-R,
/// ISO-8859-x, Shift_JIS, EUC-JP, GB18030, EUC-KR, windows-1256, windows-1255 and the like by the letter
/// statistics of each language. Called only when the fast paths cannot decide, on a bounded sample.</summary>
internal static class CharsetGuess
{
    /// <summary>How many bytes of text (markup left out) the detector sees: enough for its statistics, and a
    /// bound on its cost whatever the document's size.</summary>
    public const int SampleBytes = 64 * 1024;

    /// <summary>Below this the detector is guessing; the caller keeps its own reading.</summary>
    private const float MinConfidence = 0.5f;

    /// <returns>The encoding, or null when the detector is unsure or finds ASCII or a Unicode encoding.</returns>
    public static Encoding? Detect(ReadOnlySpan<byte> body)
    {
        var sample = ArrayPool<byte>.Shared.Rent(Math.Min(body.Length, SampleBytes));
        try
        {
            var length = TextBytes(body, sample.AsSpan(0, Math.Min(sample.Length, SampleBytes)));
            var detected = CharsetDetector.DetectFromBytes(sample, 0, length).Detected;
            if (detected?.Encoding is not { } encoding || detected.Confidence < MinConfidence) return null;
            return encoding.CodePage switch
            {
                936 or 54936 => Encoding.GetEncoding("gb18030"), // GB18030 reads all that GB2312 and GBK writers wrote
                // The charsets of the web; DOS and Mac code pages (IBM866, x-mac-cyrillic...), which the detector
                // also knows, are what it answers for a few stray bytes, never what a feed was written in.
                (>= 1250 and <= 1258) or (>= 28591 and <= 28605) or 38598 or 20866 or 21866 or 932 or 20932 or 51932
                    or 950 or 949 or 51949 or 874 => encoding,
                _ => null,
            };
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sample);
        }
    }

    /// <summary>True for the charsets a Latin-1 declaration stands for (ASCII, ISO-8859-1/15, windows-1252).</summary>
    public static bool IsLatin1(Encoding encoding) => encoding.CodePage is 1252 or 28591 or 28605 or 20127;

    /// <summary>The bytes between tags, where the language is: tags and URLs are ASCII that only dilutes the
    /// statistics. CDATA's content is text; a space stands for each tag so words do not run together.</summary>
    private static int TextBytes(ReadOnlySpan<byte> body, Span<byte> sample)
    {
        var length = 0;
        var inTag = false;
        for (var i = 0; i < body.Length && length < sample.Length; i++)
        {
            var b = body[i];
            if (inTag)
            {
                if (b == '>') inTag = false;
                continue;
            }
            if (b == '<')
            {
                if (body[i..].StartsWith("<![CDATA["u8)) i += 8;
                else inTag = true;
                if (length > 0 && sample[length - 1] != ' ') sample[length++] = (byte)' ';
                continue;
            }
            sample[length++] = b;
        }
        return length;
    }
}
