using System.Text;
using System.Text.Json;

namespace Aggregator.Tests.Support;

/// <summary>One request as <see cref="WebhookReceiver"/> saw it: the raw body bytes, so signatures can be
/// checked against exactly what arrived.</summary>
public sealed record ReceivedRequest(
    string Method,
    string Path,
    string QueryString,
    IReadOnlyDictionary<string, string> Headers,
    byte[] Body,
    DateTimeOffset ReceivedAt)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    /// <summary>The header's value (several values joined with ", "), or null; names are case-insensitive.</summary>
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json()
    {
        using var document = JsonDocument.Parse(Body);
        return document.RootElement.Clone();
    }
}
