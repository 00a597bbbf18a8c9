using System.Text.Json;
using System.Text.Json.Serialization;
using Aggregator.Storage;

namespace Aggregator.Cli;

/// <summary>Times in --json output as the database and the webhooks write them, ISO 8601 UTC with a Z
/// (2026-11-23T08:15:00Z), instead of System.Text.Json's "+00:00": one text for a script to compare or sort.</summary>
internal sealed class IsoTimeJsonConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Iso.Parse(reader.GetString() ?? throw new JsonException("a time must be a string"));

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Iso.ToText(value));
}
