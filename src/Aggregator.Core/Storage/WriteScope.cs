using Microsoft.Data.Sqlite;

namespace Aggregator.Storage;

/// <summary>One write transaction holding the database's single writer slot.</summary>
public sealed class WriteScope(SqliteConnection connection, SqliteTransaction transaction, SemaphoreSlim writeLock) : IAsyncDisposable
{
    private bool _disposed;

    public SqliteConnection Connection { get; } = connection;
    public SqliteTransaction Transaction { get; } = transaction;

    public Task CommitAsync(CancellationToken cancellationToken = default) => Transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            writeLock.Release();
        }
    }
}
