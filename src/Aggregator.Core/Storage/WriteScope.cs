using System.Data.Common;

namespace Aggregator.Storage;

/// <summary>One write transaction: on SQLite it holds the database's single writer slot; on PostgreSQL it is a pooled
/// connection of its own, beside other writers. Dispose without commit rolls back.</summary>
public sealed class WriteScope(DbConnection connection, DbTransaction transaction, Database database) : IAsyncDisposable
{
    private bool _disposed;

    public DbConnection Connection { get; } = connection;
    public DbTransaction Transaction { get; } = transaction;

    public StorageProvider Provider => database.Provider;

    /// <summary>Text as this engine stores it: on PostgreSQL without U+0000 or half surrogate pairs
    /// (<see cref="PostgresText"/>), on SQLite as it is.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public string? Text(string? text) => Provider == StorageProvider.Postgres ? PostgresText.Clean(text) : text;

    /// <summary>This node's id (<see cref="Database.Node"/>): whose claims the transaction's writes end.</summary>
    public string Node => database.Node.Id;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken);
        database.AfterCommit();
    }

    /// <summary>SQLite only: a statement run once per feed or per entry of a poll cycle, prepared once for the writer's
    /// connection and kept while it lives (see <see cref="PreparedStatement"/>). On PostgreSQL the same SQL goes through
    /// Dapper, and Npgsql's automatic preparation keeps it prepared per connection.</summary>
    public PreparedStatement Statement(string sql) => database.Statement(sql);

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        await database.EndWriteAsync(Connection, Transaction);
    }
}
