using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aggregator.Storage;

/// <summary>Binding and running the writer's prepared statements (<see cref="WriteScope.Statement"/>), for the
/// writes a poll cycle makes once per feed: through Dapper each was prepared and bound afresh, 80-90 µs a feed
/// of the single writer's time.</summary>
internal static class Prepared
{
    public static void Bind(sqlite3_stmt statement, string name, string? text)
    {
        var index = Index(statement, name);
        _ = text is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text(statement, index, text);
    }

    public static void Bind(sqlite3_stmt statement, string name, long? value)
    {
        var index = Index(statement, name);
        _ = value is { } number ? raw.sqlite3_bind_int64(statement, index, number) : raw.sqlite3_bind_null(statement, index);
    }

    public static void Bind(sqlite3_stmt statement, string name, bool value) => Bind(statement, name, value ? 1 : 0);

    /// <summary>Runs a statement that returns no rows, and resets it for the next run.</summary>
    public static void Run(WriteScope write, sqlite3_stmt statement)
    {
        var rc = raw.sqlite3_step(statement);
        raw.sqlite3_reset(statement);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, write.Connection.Handle);
    }

    private static int Index(sqlite3_stmt statement, string name) =>
        raw.sqlite3_bind_parameter_index(statement, name) is > 0 and var index
            ? index
            : throw new ArgumentException($"the statement has no parameter {name}", nameof(name));
}
