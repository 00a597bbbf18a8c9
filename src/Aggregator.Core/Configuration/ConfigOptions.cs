namespace Aggregator.Configuration;

/// <summary>Where config/ is: the "Aggregator:ConfigDirectory" key of appsettings.json.</summary>
public sealed class ConfigOptions
{
    public const string Section = "Aggregator";

    /// <summary>Folder holding feeds.json and rules.json; relative to the content root.</summary>
    public string ConfigDirectory { get; set; } = "config";
}
