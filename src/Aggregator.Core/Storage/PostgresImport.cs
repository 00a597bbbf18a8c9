using System.Data.Common;
using System.Globalization;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace Aggregator.Storage;

/// <summary>Copies a SQLite database into an empty PostgreSQL one, so that a user who outgrows one machine keeps their
/// history: every table of the schema (feeds with their fetch state, entries, matches, outbox), rows and ids as they are,
/// with PostgreSQL's binary COPY. Both are first brought to the same migration, so their columns agree; times become
/// timestamptz, flags boolean, JSON jsonb. One transaction: a copy that fails leaves the target as empty as it was, to
/// try again. The search index is not copied; search builds PostgreSQL's from the entries.</summary>
public sealed class PostgresImport(SqliteDatabase source, PostgresDatabase target)
{
    /// <summary>The tables copied, parents before children (the foreign keys hold at every row).</summary>
    public static readonly IReadOnlyList<string> Tables = ["feeds", "entries", "matches", "outbox", "outbox_attempts", "health_problems", "nodes", "alert_counts"];

    /// <summary>How many rows the target's tables hold: a copy goes into an empty database only.</summary>
    public async Task<IReadOnlyDictionary<string, long>> TargetRowsAsync(CancellationToken cancellationToken)
    {
        await target.MigrateAsync(cancellationToken);
        await using var connection = await target.OpenAsync(cancellationToken);
        var rows = new Dictionary<string, long>();
        foreach (var table in Tables) rows[table] = await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
        return rows;
    }

    /// <param name="progress">Told each table's name and rows copied so far, every 10,000 rows and at its end.</param>
    /// <returns>Rows copied per table.</returns>
    public async Task<IReadOnlyDictionary<string, long>> CopyAsync(Action<string, long, long> progress, CancellationToken cancellationToken)
    {
        await source.MigrateAsync(cancellationToken);
        await target.MigrateAsync(cancellationToken);
        var copied = new Dictionary<string, long>();
        await using var from = await source.OpenAsync(cancellationToken);
        await using var to = (NpgsqlConnection)await target.OpenAsync(cancellationToken);
        await using var transaction = await to.BeginTransactionAsync(cancellationToken);
        foreach (var table in Tables)
        {
            var columns = (await to.QueryAsync<(string Name, string Type)>(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @Table ORDER BY ordinal_position",
                new { Table = table }, transaction)).ToList();
            var sourceColumns = (await from.QueryAsync<string>($"SELECT name FROM pragma_table_info('{table}')")).ToHashSet(StringComparer.Ordinal);
            columns = [.. columns.Where(c => sourceColumns.Contains(c.Name))]; // PostgreSQL's own (claims) start empty
            var total = await from.ExecuteScalarAsync<long>($"SELECT count(*) FROM {table}");
            copied[table] = await CopyTableAsync(from, to, table, columns, total, progress, cancellationToken);
            if (columns.Any(c => c.Name == "id") && columns.First(c => c.Name == "id").Type == "bigint")
                await to.ExecuteAsync($"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT max(id) FROM {table}), 1))", transaction: transaction);
        }
        await transaction.CommitAsync(cancellationToken);
        return copied;
    }

    private static async Task<long> CopyTableAsync(DbConnection from, NpgsqlConnection to, string table, IReadOnlyList<(string Name, string Type)> columns,
        long total, Action<string, long, long> progress, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        await using var command = from.CreateCommand();
        command.CommandText = $"SELECT {names} FROM {table} ORDER BY rowid";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await using var importer = await to.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        long rows = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            await importer.StartRowAsync(cancellationToken);
            for (var i = 0; i < columns.Count; i++)
            {
                if (await reader.IsDBNullAsync(i, cancellationToken))
                {
                    await importer.WriteNullAsync(cancellationToken);
                    continue;
                }
                var value = reader.GetValue(i);
                switch (columns[i].Type)
                {
                    case "timestamp with time zone":
                        await importer.WriteAsync(Iso.Parse((string)value).UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
                        break;
                    case "boolean":
                        await importer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture) != 0, NpgsqlDbType.Boolean, cancellationToken);
                        break;
                    case "bigint":
                        await importer.WriteAsync(Convert.ToInt64(value, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, cancellationToken);
                        break;
                    case "jsonb":
                        await importer.WriteAsync(JsonText.ForPostgres((string)value), NpgsqlDbType.Jsonb, cancellationToken);
                        break;
                    default:
                        await importer.WriteAsync(PostgresText.Clean(Convert.ToString(value, CultureInfo.InvariantCulture))!, NpgsqlDbType.Text, cancellationToken);
                        break;
                }
            }
            if (++rows % 10_000 == 0) progress(table, rows, total);
        }
        await importer.CompleteAsync(cancellationToken);
        progress(table, rows, total);
        return rows;
    }
}
