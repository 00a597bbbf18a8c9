using System.Data;
using System.Text;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Aggregator.Storage;

/// <summary>A JSON document as a parameter: TEXT on SQLite, jsonb on PostgreSQL (where a text parameter would not go
/// into a jsonb column). Reading back, both give the text.</summary>
public readonly record struct JsonText(string Value)
{
    public static JsonText? From(string? value) => value is null ? null : new JsonText(value);

    internal sealed class TypeHandler : SqlMapper.ITypeHandler
    {
        public object Parse(Type destinationType, object value) => new JsonText((string)value);

        public void SetValue(IDbDataParameter parameter, object value)
        {
            if (parameter is NpgsqlParameter postgres)
            {
                postgres.NpgsqlDbType = NpgsqlDbType.Jsonb;
                postgres.Value = value is JsonText json ? ForPostgres(json.Value) : DBNull.Value;
                return;
            }
            parameter.DbType = DbType.String;
            parameter.Value = value is JsonText text ? text.Value : DBNull.Value;
        }
    }

    /// <summary>jsonb refuses what JSON text allows: the escape \u0000, and a \uD800-\uDFFF escape that is not half of a
    /// pair. A feed can put either in a title or a category; each becomes U+FFFD (what SQLite's UTF-8 makes of a lone
    /// surrogate), so the entry is stored instead of failing the feed.</summary>
    internal static string ForPostgres(string json)
    {
        if (!json.Contains("\\u", StringComparison.Ordinal)) return json;
        StringBuilder? fixedJson = null;
        var copied = 0;
        for (var i = 0; i < json.Length - 5; i++)
        {
            if (json[i] != '\\') continue;
            if (json[i + 1] != 'u')
            {
                i++; // an escape of one character (\\, \"...): skip what it escapes
                continue;
            }
            var code = Convert.ToInt32(json.Substring(i + 2, 4), 16);
            var bad = code == 0
                || (code is >= 0xD800 and <= 0xDBFF && !(i + 11 < json.Length && json[i + 6] == '\\' && json[i + 7] == 'u'
                    && Convert.ToInt32(json.Substring(i + 8, 4), 16) is >= 0xDC00 and <= 0xDFFF))
                || (code is >= 0xDC00 and <= 0xDFFF && !(i >= 6 && json[i - 6] == '\\' && json[i - 5] == 'u'
                    && Convert.ToInt32(json.Substring(i - 4, 4), 16) is >= 0xD800 and <= 0xDBFF));
            if (bad)
            {
                fixedJson ??= new StringBuilder(json.Length);
                fixedJson.Append(json, copied, i - copied).Append("\\ufffd");
                copied = i + 6;
            }
            i += 5;
        }
        return fixedJson is null ? json : fixedJson.Append(json, copied, json.Length - copied).ToString();
    }
}
