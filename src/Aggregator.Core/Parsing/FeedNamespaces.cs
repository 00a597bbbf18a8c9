namespace Aggregator.Parsing;

internal static class FeedNamespaces
{
    public const string Atom10 = "http://www.w3.org/2005/Atom";
    public const string Atom03 = "http://purl.org/atom/ns#";
    public const string Rss10 = "http://purl.org/rss/1.0/";
    public const string Rss090 = "http://my.netscape.com/rdf/simple/0.9/";
    public const string Rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    public const string DublinCore = "http://purl.org/dc/elements/1.1/";
    public const string DcTerms = "http://purl.org/dc/terms/";
    public const string Content = "http://purl.org/rss/1.0/modules/content/";
    public const string Syndication = "http://purl.org/rss/1.0/modules/syndication/";
    public const string Xml = "http://www.w3.org/XML/1998/namespace";
    public const string Media = "http://search.yahoo.com/mrss/";
    public const string ITunes = "http://www.itunes.com/dtds/podcast-1.0.dtd";
    /// <summary>The capitalised spelling early podcast feeds used, which feedparser accepts too.</summary>
    public const string ITunesOld = "http://www.itunes.com/DTDs/Podcast-1.0.dtd";
    public const string UserlandRss2 = "http://backend.userland.com/rss2";
    public const string UserlandRss = "http://backend.userland.com/rss";

    public static bool IsAtom(string ns) => ns is Atom10 or Atom03;

    /// <summary>RSS elements have no namespace in 0.9x/2.0 and these in 1.0/0.90; some feeds mix them up.</summary>
    public static bool IsRss(string ns) => ns is "" or Rss10 or Rss090 or UserlandRss2 or UserlandRss;
}
