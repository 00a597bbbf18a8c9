using Microsoft.Data.Sqlite;

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

    /// <summary>A statement run once per feed or per entry of a poll cycle, prepared once for the writer's connection
    /// and kept while it lives (see <see cref="PreparedStatement"/>).</summary>
    public PreparedStatement Statement(string sql) => database.Statement(sql);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await database.EndWriteAsync(Transaction);
    }
}
