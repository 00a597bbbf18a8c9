namespace Aggregator.Storage;

/// <summary>The storage keys of the "Aggregator" section of appsettings.json.</summary>
public sealed class StorageOptions
{
    public const string Section = "Aggregator";

    /// <summary>SQLite file; relative paths resolve against the content root. Created on first run. A PostgreSQL
    /// connection string here ("Host=...") selects PostgreSQL, as Aggregator:Storage does.</summary>
    public string Database { get; set; } = "data/aggregator.db";

    /// <summary>Also store each entry's HTML (entries.summary_html and content_html); off, those are NULL. The plain
    /// text is always stored. Alerts carry the HTML either way (it is taken from the feed, not the database).</summary>
    public bool StoreHtml { get; set; }
}
