using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aggregator.Cli;

/// <summary>--json output: one camelCase JSON object per line (JSON Lines), easy for jq and scripts.</summary>
internal static class JsonLines
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new IsoTimeJsonConverter() },
    };

    public static void Write<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));
}
