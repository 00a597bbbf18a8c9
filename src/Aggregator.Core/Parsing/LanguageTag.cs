namespace Aggregator.Parsing;

/// <summary>A declared language (xml:lang, &lt;language&gt;, dc:language, JSON Feed "language") as the
/// lowercase primary BCP 47 subtag rules compare: "ru-RU" and "RU" are "ru", "pt_BR" is "pt", "zh-Hans-CN"
/// is "zh". What is not a tag ("English", "x-klingon", "") is null, so detection from the text takes over.</summary>
internal static class LanguageTag
{
    public static string? Primary(string? declared)
    {
        if (declared is null) return null;
        var tag = declared.AsSpan().Trim();
        var end = tag.IndexOfAny('-', '_');
        if (end >= 0) tag = tag[..end];
        var comma = tag.IndexOfAny(',', ' ', ';');
        if (comma >= 0) tag = tag[..comma];
        if (tag.Length is < 2 or > 3 || !System.Text.Ascii.IsValid(tag)) return null;
        foreach (var c in tag)
        {
            if (!char.IsAsciiLetter(c)) return null;
        }
        Span<char> lower = stackalloc char[3];
        var written = tag.ToLowerInvariant(lower);
        return lower[..written] switch
        {
            "iw" => "he", // the codes ISO 639 withdrew in 1989, still sent by old Java and .NET stacks
            "in" => "id",
            "ji" => "yi",
            var code => code.ToString(),
        };
    }
}
