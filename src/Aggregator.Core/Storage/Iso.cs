using System.Data;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Aggregator.Storage;

/// <summary>The one way times go in and out of the database. On SQLite: ISO-8601 UTC text with second precision,
/// '2026-11-23T08:15:00Z', which sorts as text and reads as it is in sqlite3. On PostgreSQL: timestamptz, written
/// from a UTC DateTimeOffset. SQL compares parameters with columns the same way on both.</summary>
public static class Iso
{
    public const string Format = "yyyy-MM-dd'T'HH:mm:ss'Z'";

    public static string ToText(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    public static string? ToText(DateTimeOffset? value) => value is { } v ? ToText(v) : null;

    public static DateTimeOffset Parse(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Lets Dapper map time columns to DateTimeOffset properties and DateTimeOffset parameters to the engine's
    /// type: TEXT on SQLite, timestamptz on PostgreSQL (a parameter is Npgsql's when the connection is).</summary>
    internal sealed class TypeHandler : SqlMapper.ITypeHandler
    {
        public object Parse(Type destinationType, object value) => value switch
        {
            string text => Iso.Parse(text),
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            DateTimeOffset time => time,
            _ => throw new InvalidCastException($"a time column held {value.GetType().Name}"),
        };

        /// <summary>A NULL is typed too on PostgreSQL: "@Since IS NULL OR ... >= @Since" gives it no other way to know.</summary>
        public void SetValue(IDbDataParameter parameter, object value)
        {
            if (parameter is NpgsqlParameter postgres)
            {
                postgres.NpgsqlDbType = NpgsqlDbType.TimestampTz;
                postgres.Value = value is DateTimeOffset time ? time.ToUniversalTime() : DBNull.Value;
                return;
            }
            parameter.DbType = DbType.String;
            parameter.Value = value is DateTimeOffset text ? ToText(text) : DBNull.Value;
        }
    }
}
