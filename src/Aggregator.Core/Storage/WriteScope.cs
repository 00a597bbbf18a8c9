using Microsoft.Data.Sqlite;

namespace Aggregator.Storage;

/// <summary>One write transaction holding the database's single writer slot.</summary>
public sealed class WriteScope(SqliteConnection connection, SqliteTransaction transaction, SemaphoreSlim writeLock,
    WalCheckpointer checkpointer) : IAsyncDisposable
{
    private readonly Dictionary<string, SqliteCommand> _prepared = new(ReferenceEqualityComparer.Instance);
    private bool _disposed;

    public SqliteConnection Connection { get; } = connection;
    public SqliteTransaction Transaction { get; } = transaction;

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await Transaction.CommitAsync(cancellationToken);
        checkpointer.AfterCommit();
    }

    /// <summary>A command for a statement run many times in this transaction, prepared on first use and kept until
    /// the scope ends; its parameters are created once, named as in <paramref name="parameterNames"/> (with the
    /// "@" the SQL uses), and the caller sets their values by position before each run. For the one hot insert
    /// (a feed's entries): through Dapper each run prepared the statement again and looked its parameters up by name.</summary>
    public SqliteCommand Prepared(string sql, params ReadOnlySpan<string> parameterNames)
    {
        if (_prepared.TryGetValue(sql, out var command)) return command;
        command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = Transaction;
        foreach (var name in parameterNames) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        _prepared[sql] = command;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            foreach (var command in _prepared.Values) await command.DisposeAsync();
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            writeLock.Release();
        }
    }
}
