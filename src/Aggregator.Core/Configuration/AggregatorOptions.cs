namespace Aggregator.Configuration;

/// <summary>The "Aggregator" section of appsettings.json.</summary>
public sealed class AggregatorOptions
{
    public const string Section = "Aggregator";

    /// <summary>SQLite file; relative paths resolve against the content root. Created on first run.</summary>
    public string Database { get; set; } = "data/aggregator.db";

    /// <summary>Folder holding feeds.json and rules.json; relative to the content root.</summary>
    public string ConfigDirectory { get; set; } = "config";
}
