using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Aggregator.Storage;

/// <summary>One write transaction holding the database's single writer slot; dispose without commit rolls back.</summary>
public sealed class WriteScope(SqliteConnection connection, SqliteTransaction transaction, Database database) : IAsyncDisposable
{
    private bool _disposed;

    public SqliteConnection Connection { get; } = connection;
    public SqliteTransaction Transaction { get; } = transaction;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken);
        database.AfterCommit();
    }

    /// <summary>A statement run many times (a feed's entries), prepared once for the writer's connection.
    /// Through SqliteCommand each run converted its text parameters to UTF-8 while holding the writer slot;
    /// raw statements take text already converted. Reset it after each run.</summary>
    public sqlite3_stmt Statement(string sql) => database.Statement(sql);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await database.EndWriteAsync(Transaction);
    }
}
