using System.Text.Encodings.Web;
using System.Text.Json;

namespace Aggregator.Configuration;

/// <summary>A feed as `feeds add` and `feeds import` write it into config/feeds.json: one line of JSON.</summary>
public sealed record FeedEntry(string Name, Uri Url, TimeSpan? Interval, IReadOnlyList<string> Tags)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>{ "name": "...", "url": "...", "interval": "30m", "tags": ["a"] }, the optional keys only when set.</summary>
    public string ToJson()
    {
        var parts = new List<string> { $"\"name\": {Quote(Name)}", $"\"url\": {Quote(Url.AbsoluteUri)}" };
        if (Interval is { } interval) parts.Add($"\"interval\": {Quote(Duration.Format(interval))}");
        if (Tags.Count > 0) parts.Add($"\"tags\": [{string.Join(", ", Tags.Select(Quote))}]");
        return "{ " + string.Join(", ", parts) + " }";
    }

    private static string Quote(string text) => JsonSerializer.Serialize(text, Json);
}
