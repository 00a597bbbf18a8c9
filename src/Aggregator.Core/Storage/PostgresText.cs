using System.Text;

namespace Aggregator.Storage;

/// <summary>Text as PostgreSQL takes it. A text value there cannot hold U+0000, and Npgsql refuses a string with half a
/// surrogate pair; a feed can send either (a JSON feed's "\u0000", a numeric reference to a lone surrogate). Each
/// becomes U+FFFD, as SQLite's UTF-8 conversion does with a lone surrogate, so the feed is stored instead of failing.</summary>
public static class PostgresText
{
    public static string? Clean(string? text)
    {
        if (text is null) return null;
        var span = text.AsSpan();
        var i = 0;
        for (; i < span.Length; i++)
        {
            var c = span[i];
            if (c == '\0' || (char.IsSurrogate(c) && !IsPair(span, i))) break;
            if (char.IsHighSurrogate(c)) i++;
        }
        if (i == span.Length) return text;
        var builder = new StringBuilder(text.Length);
        builder.Append(span[..i]);
        for (; i < span.Length; i++)
        {
            var c = span[i];
            if (c == '\0' || (char.IsSurrogate(c) && !IsPair(span, i)))
            {
                builder.Append('\uFFFD');
                continue;
            }
            builder.Append(c);
            if (char.IsHighSurrogate(c)) builder.Append(span[++i]);
        }
        return builder.ToString();
    }

    private static bool IsPair(ReadOnlySpan<char> span, int i) =>
        char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]);
}
