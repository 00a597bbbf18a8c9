using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Notifications;

/// <summary>How an <see cref="Alert"/> is kept in outbox.payload: camelCase JSON, readable with sqlite3's json functions.</summary>
public static class AlertJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(Alert alert) => JsonSerializer.Serialize(alert, Options);

    public static Alert Deserialize(string json) =>
        JsonSerializer.Deserialize<Alert>(json, Options) ?? throw new JsonException("outbox payload is null");
}
