using System.Text.Json;
using System.Text.Json.Nodes;

namespace Aggregator.Tests.Support;

/// <summary>A temporary content root (appsettings.json, config/feeds.json, config/rules.json, data/) as a user lays it out.</summary>
public sealed class ContentRoot : IDisposable
{
    public ContentRoot()
    {
        Path = Directory.CreateTempSubdirectory("aggregator-test-").FullName;
        Directory.CreateDirectory(System.IO.Path.Combine(Path, "config"));
    }

    public string Path { get; }

    public string DatabasePath => System.IO.Path.Combine(Path, "data", "aggregator.db");

    public void WriteSettings(JsonObject settings) =>
        File.WriteAllText(System.IO.Path.Combine(Path, "appsettings.json"), settings.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    /// <summary>appsettings.json with fast test-friendly polling and the given notifiers.</summary>
    public void WriteSettings(JsonObject? notifiers = null, JsonObject? aggregator = null)
    {
        var settings = new JsonObject
        {
            ["Aggregator"] = aggregator ?? new JsonObject(),
            ["Notifiers"] = notifiers ?? new JsonObject(),
        };
        WriteSettings(settings);
    }

    public void WriteFeeds(string json) => File.WriteAllText(System.IO.Path.Combine(Path, "config", "feeds.json"), json);

    public void WriteRules(string json) => File.WriteAllText(System.IO.Path.Combine(Path, "config", "rules.json"), json);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
