using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Aggregator.Storage;

/// <summary>The SQLite file: opens connections, applies migrations, and serialises writes so that
/// one writer at a time holds the file (many readers run beside it under WAL).</summary>
public sealed class SqliteDatabase : Database
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly WalCheckpointer _checkpointer;

    // The single writer keeps one connection and its prepared statements, used only while holding _writeLock.
    // Taking a pooled connection per transaction re-ran the per-connection pragmas and re-prepared the insert
    // for every feed, inside the writer slot: 70 ms of a 1,000-feed first cycle.
    private SqliteConnection? _writer;
    private readonly Dictionary<string, PreparedStatement> _statements = new(ReferenceEqualityComparer.Instance);

    public SqliteDatabase(string path)
    {
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _checkpointer = new WalCheckpointer(OpenSqliteAsync, _writeLock);
    }

    public string Path { get; }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    public override string Name => Path;

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) => await OpenSqliteAsync(cancellationToken);

    private async Task<SqliteConnection> OpenSqliteAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        // Per connection: enforce references, wait for another process's writer instead of failing,
        // NORMAL sync, which under WAL loses no committed transaction on a process crash, checkpoints
        // left to WalCheckpointer, off the writer's path, and a log cut back to 64 MiB when it starts over.
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0; PRAGMA journal_size_limit = 67108864;");
        return connection;
    }

    /// <summary>Takes the single writer slot and opens a transaction; dispose without commit rolls back.</summary>
    public override async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _writer ??= await OpenSqliteAsync(cancellationToken);
            return new WriteScope(_writer, _writer.BeginTransaction(deferred: false), this);
        }
        catch
        {
            CloseWriter(); // whatever went wrong, the next write starts from a fresh connection
            _writeLock.Release();
            throw;
        }
    }

    /// <summary>The writer's statement for this SQL, prepared on first use and kept until the writer closes.
    /// Called while holding the writer slot.</summary>
    internal override PreparedStatement Statement(string sql)
    {
        if (_statements.TryGetValue(sql, out var statement)) return statement;
        statement = new PreparedStatement(_writer!.Handle!, sql);
        _statements[sql] = statement;
        return statement;
    }

    /// <summary>Ends a <see cref="WriteScope"/>: statements back to their start, the slot to the next writer.</summary>
    internal override async ValueTask EndWriteAsync(DbConnection connection, DbTransaction transaction)
    {
        try
        {
            foreach (var statement in _statements.Values) statement.Reset();
            await transaction.DisposeAsync(); // rolls back unless committed
        }
        catch
        {
            CloseWriter();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal override void AfterCommit() => _checkpointer.AfterCommit();

    private void CloseWriter()
    {
        foreach (var statement in _statements.Values) statement.Dispose();
        _statements.Clear();
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>Closes the writer's connection and the pooled ones: the last to close copies the log into the
    /// file and deletes it, so that the file alone holds everything once the program has ended.</summary>
    public override void Dispose()
    {
        _checkpointer.Stop();
        _writeLock.Wait();
        try
        {
            CloseWriter();
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Creates the file and brings the schema up to date: numbered scripts in Migrations/,
    /// each in its own transaction, tracked by PRAGMA user_version. Shipped scripts are never edited.</summary>
    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        await using var connection = await OpenSqliteAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        var version = await connection.ExecuteScalarAsync<long>("PRAGMA user_version;");
        foreach (var migration in Migration.For(StorageProvider.Sqlite))
        {
            if (migration.Number <= version) continue;
            await using var transaction = connection.BeginTransaction();
            await connection.ExecuteAsync(migration.Sql, transaction: transaction);
            await connection.ExecuteAsync($"PRAGMA user_version = {migration.Number};", transaction: transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>SQLite keeps only the last number (PRAGMA user_version): every migration up to it has run.</summary>
    public override async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path)) return [];
        await using var connection = await OpenSqliteAsync(cancellationToken);
        var version = await connection.ExecuteScalarAsync<long>("PRAGMA user_version;");
        return [.. Migration.For(StorageProvider.Sqlite).Where(m => m.Number <= version).Select(m => m.Number)];
    }
}
