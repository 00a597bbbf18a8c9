using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Notifications;

/// <summary>The documented JSON body of a generic webhook (README, "Webhook").</summary>
public static class WebhookPayload
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new UtcConverter() },
    };

    public static string Generic(Alert alert) => JsonSerializer.Serialize(new
    {
        deliveryId = alert.DeliveryId,
        rule = alert.Rule,
        feed = new { name = alert.Feed, url = alert.FeedUrl },
        entry = new { id = alert.EntryId, title = alert.Title, link = alert.Link, published = alert.Published, author = alert.Author, summary = alert.Summary },
        matchedTerms = alert.MatchedTerms,
        matchedAt = alert.MatchedAt,
    }, Options);

    /// <summary>Dates as "2026-11-23T08:15:00Z", the form used everywhere else.</summary>
    private sealed class UtcConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Storage.Iso.ToText(value));
    }
}
