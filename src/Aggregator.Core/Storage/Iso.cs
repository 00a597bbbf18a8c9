using System.Data;
using System.Globalization;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The one way times go in and out of SQLite: ISO-8601 UTC text with second precision,
/// '2026-11-23T08:15:00Z', which sorts as text and reads as it is in sqlite3.</summary>
public static class Iso
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string? ToText(DateTimeOffset? value) => value is { } v ? ToText(v) : null;

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Lets Dapper map TEXT columns to DateTimeOffset properties.</summary>
    internal sealed class TypeHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => Iso.Parse((string)value);

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            parameter.DbType = DbType.String;
            parameter.Value = ToText(value);
        }
    }
}
