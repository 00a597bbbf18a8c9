namespace Aggregator.Parsing;

/// <summary>Collects one entry's raw fields while reading, then applies the rules that need all of them
/// (guid as link, Atom's link fallback, author fallbacks, language, text conversion).</summary>
internal sealed class EntryBuilder
{
    public string? Id;
    public bool GuidIsPermaLink;
    public string? Title;
    public bool TitleIsText;
    /// <summary>media:title, dc:title: the title only when the entry has no title of its own.</summary>
    public string? FallbackTitle;
    public string? Link;
    public string? AlternateHtmlLink;
    public string? AlternateOtherLink;
    public string? Published;
    public string? Updated;
    public string? Author;
    /// <summary>itunes:author names the show more often than the writer: the author only when there is no other.</summary>
    public string? ITunesAuthor;
    public string? Summary;
    public bool SummaryIsText;
    public string? Content;
    public bool ContentIsText;
    /// <summary>As declared on the entry: its own xml:lang, else its dc:language.</summary>
    public string? Language;
    /// <summary>xml:lang inherited from the entry's ancestors.</summary>
    public string? InheritedLanguage;
    public readonly List<string> Categories = [];
    public readonly List<Enclosure> Enclosures = [];

    /// <summary>Adds it unless it is null or its URL is already there (RSS and Media RSS often name the same file).</summary>
    public void AddEnclosure(Enclosure? enclosure)
    {
        if (enclosure is not null && !Enclosures.Exists(e => e.Url == enclosure.Url)) Enclosures.Add(enclosure);
    }

    /// <param name="problems">Where an unreadable date is reported.</param>
    /// <param name="number">The entry's place in the document, from 1, to name it in a problem.</param>
    /// <param name="feedLanguage">The feed's declared language (normalised), for entries that declare none.</param>
    public ParsedEntry Build(FeedProblems problems, int number, string? feedLanguage)
    {
        var link = Link ?? AlternateHtmlLink;
        if (link is null && AlternateOtherLink is not null) link = Id ?? AlternateOtherLink;
        // A permalink guid is the link only when it is a URL: "<guid>2</guid>" makes no link to click.
        if (link is null && GuidIsPermaLink && Id is not null && IsWebUrl(Id)) link = Id;
        var (title, titleIsText) = Title is null && FallbackTitle is not null ? (FallbackTitle, false) : (Title, TitleIsText);
        var plainTitle = titleIsText ? HtmlText.Collapse(title) : HtmlText.ToPlainText(title);
        var summary = SummaryIsText ? HtmlText.Collapse(Summary) : HtmlText.ToPlainText(Summary);
        return new ParsedEntry
        {
            Id = Trim(Id),
            Title = plainTitle,
            Link = Trim(link),
            Published = Date(Published, problems, number),
            Updated = Date(Updated, problems, number),
            Author = HtmlText.ToPlainText(Author) ?? HtmlText.ToPlainText(ITunesAuthor),
            Summary = summary,
            Content = ContentIsText ? HtmlText.Collapse(Content) : HtmlText.ToPlainText(Content),
            SummaryHtml = SummaryIsText ? null : Summary,
            ContentHtml = ContentIsText ? null : Content,
            Categories = Categories,
            Enclosures = Enclosures,
            Language = LanguageTag.Primary(Language) ?? LanguageTag.Primary(InheritedLanguage) ?? feedLanguage
                ?? LanguageDetector.Detect(plainTitle, summary),
        };
    }

    private static DateTimeOffset? Date(string? text, FeedProblems problems, int number)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var date = FeedDates.Parse(text);
        if (date is null) problems.Add($"unreadable date {FeedProblems.Quote(text)} in entry {number}");
        return date;
    }

    private static bool IsWebUrl(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
