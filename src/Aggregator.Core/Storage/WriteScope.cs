using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aggregator.Storage;

/// <summary>One write transaction holding the database's single writer slot.</summary>
public sealed class WriteScope(SqliteConnection connection, SqliteTransaction transaction, SemaphoreSlim writeLock,
    WalCheckpointer checkpointer) : IAsyncDisposable
{
    private readonly Dictionary<string, sqlite3_stmt> _prepared = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    public SqliteConnection Connection { get; } = connection;
    public SqliteTransaction Transaction { get; } = transaction;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken);
        checkpointer.AfterCommit();
    }

    /// <summary>A statement run many times in this transaction (a feed's entries), prepared on first use and
    /// finalised when the scope ends. Through SqliteCommand each run converted its text parameters to UTF-8
    /// while holding the writer slot; raw statements take text already converted.</summary>
    public sqlite3_stmt Statement(string sql)
    {
        if (_prepared.TryGetValue(sql, out var statement)) return statement;
        var rc = raw.sqlite3_prepare_v2(Connection.Handle, sql, out statement);
        SqliteException.ThrowExceptionForRC(rc, Connection.Handle);
        _prepared[sql] = statement;
        return statement;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            foreach (var statement in _prepared.Values) statement.Dispose();
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            writeLock.Release();
        }
    }
}
