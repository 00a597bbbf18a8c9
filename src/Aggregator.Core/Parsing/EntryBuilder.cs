namespace Aggregator.Parsing;

/// <summary>Collects one entry's raw fields while reading, then applies the rules that need all of them
/// (guid as link, Atom's link fallback, text conversion).</summary>
internal sealed class EntryBuilder
{
    public string? Id;
    public bool GuidIsPermaLink;
    public string? Title;
    public bool TitleIsText;
    public string? Link;
    public string? AlternateHtmlLink;
    public string? AlternateOtherLink;
    public string? Published;
    public string? Updated;
    public string? Author;
    public string? Summary;
    public bool SummaryIsText;
    public string? Content;
    public bool ContentIsText;
    public readonly List<string> Categories = [];
    public readonly List<Enclosure> Enclosures = [];

    /// <summary>Adds it unless it is null or its URL is already there (RSS and Media RSS often name the same file).</summary>
    public void AddEnclosure(Enclosure? enclosure)
    {
        if (enclosure is not null && !Enclosures.Exists(e => e.Url == enclosure.Url)) Enclosures.Add(enclosure);
    }

    public ParsedEntry Build()
    {
        var link = Link ?? AlternateHtmlLink;
        if (link is null && AlternateOtherLink is not null) link = Id ?? AlternateOtherLink;
        // A permalink guid is the link only when it is a URL: "<guid>2</guid>" makes no link to click.
        if (link is null && GuidIsPermaLink && Id is not null && IsWebUrl(Id)) link = Id;
        return new ParsedEntry
        {
            Id = Trim(Id),
            Title = TitleIsText ? HtmlText.Collapse(Title) : HtmlText.ToPlainText(Title),
            Link = Trim(link),
            Published = FeedDates.Parse(Published),
            Updated = FeedDates.Parse(Updated),
            Author = HtmlText.ToPlainText(Author),
            Summary = SummaryIsText ? HtmlText.Collapse(Summary) : HtmlText.ToPlainText(Summary),
            Content = ContentIsText ? HtmlText.Collapse(Content) : HtmlText.ToPlainText(Content),
            SummaryHtml = SummaryIsText ? null : Summary,
            ContentHtml = ContentIsText ? null : Content,
            Categories = Categories,
            Enclosures = Enclosures,
        };
    }

    private static bool IsWebUrl(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
