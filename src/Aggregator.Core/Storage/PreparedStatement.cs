using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aggregator.Storage;

/// <summary>One of the single writer's prepared statements (<see cref="WriteScope.Statement"/>), for the writes a poll
/// cycle makes once per feed or per entry. Parameters are bound by name; each name is looked up in SQLite once, when
/// the statement is prepared. Through Dapper each such write was prepared and bound afresh inside the writer slot
/// (80-90 µs a feed), and Microsoft.Data.Sqlite converted every text to UTF-8 while holding it.</summary>
public sealed class PreparedStatement : IDisposable
{
    private readonly sqlite3 _connection;
    private readonly Dictionary<string, int> _parameters = new(StringComparer.Ordinal);
    private string[]? _lastNames;
    private int[]? _lastIndexes;

    internal PreparedStatement(sqlite3 connection, string sql)
    {
        _connection = connection;
        var rc = raw.sqlite3_prepare_v2(connection, sql, out var handle);
        SqliteException.ThrowExceptionForRC(rc, connection);
        Handle = handle;
        for (var i = 1; i <= raw.sqlite3_bind_parameter_count(handle); i++)
            _parameters[raw.sqlite3_bind_parameter_name(handle, i).utf8_to_string()] = i;
    }

    internal sqlite3_stmt Handle { get; }

    public void Bind(string name, string? text)
    {
        var index = Index(name);
        _ = text is null ? raw.sqlite3_bind_null(Handle, index) : raw.sqlite3_bind_text(Handle, index, text);
    }

    public void Bind(string name, long? value)
    {
        var index = Index(name);
        _ = value is { } number ? raw.sqlite3_bind_int64(Handle, index, number) : raw.sqlite3_bind_null(Handle, index);
    }

    public void Bind(string name, bool value) => Bind(name, value ? 1 : 0);

    /// <summary>Binds text already converted to UTF-8 (null for NULL) to each of <paramref name="names"/> in turn; the
    /// names' positions are resolved once per array, so a statement run for every entry binds as fast as by position.</summary>
    public void BindUtf8(string[] names, byte[]?[] values)
    {
        if (!ReferenceEquals(names, _lastNames))
        {
            _lastIndexes = [.. names.Select(Index)];
            _lastNames = names;
        }
        for (var i = 0; i < values.Length; i++)
            _ = values[i] is { } utf8 ? raw.sqlite3_bind_text(Handle, _lastIndexes![i], utf8) : raw.sqlite3_bind_null(Handle, _lastIndexes![i]);
    }

    /// <summary>Runs a statement that returns no rows, and resets it for the next run.</summary>
    public void Run()
    {
        var rc = raw.sqlite3_step(Handle);
        raw.sqlite3_reset(Handle);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _connection);
    }

    /// <summary>Runs a statement that returns at most one integer (INSERT ... RETURNING id), and resets it.</summary>
    /// <returns>The integer, or null when no row came back (ON CONFLICT DO NOTHING).</returns>
    public long? RunReturningInteger()
    {
        long? value = null;
        var rc = raw.sqlite3_step(Handle);
        if (rc == raw.SQLITE_ROW)
        {
            value = raw.sqlite3_column_int64(Handle, 0);
            rc = raw.sqlite3_step(Handle);
        }
        raw.sqlite3_reset(Handle);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _connection);
        return value;
    }

    /// <summary>Runs a statement that returns at most one row of two integers (... RETURNING id, revision), and resets it.</summary>
    /// <returns>The two integers, or null when no row came back.</returns>
    public (long First, long Second)? RunReturningTwoIntegers()
    {
        (long, long)? value = null;
        var rc = raw.sqlite3_step(Handle);
        if (rc == raw.SQLITE_ROW)
        {
            value = (raw.sqlite3_column_int64(Handle, 0), raw.sqlite3_column_int64(Handle, 1));
            rc = raw.sqlite3_step(Handle);
        }
        raw.sqlite3_reset(Handle);
        if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _connection);
        return value;
    }

    internal void Reset() => raw.sqlite3_reset(Handle);

    public void Dispose() => Handle.Dispose();

    private int Index(string name) =>
        _parameters.TryGetValue(name, out var index) ? index : throw new ArgumentException($"the statement has no parameter {name}", nameof(name));
}
