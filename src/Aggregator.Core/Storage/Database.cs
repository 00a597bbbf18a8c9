using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aggregator.Storage;

/// <summary>The SQLite file: opens connections, applies migrations, and serialises writes so that
/// one writer at a time holds the file (many readers run beside it under WAL).</summary>
public sealed class Database : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _connectionString;
    private readonly WalCheckpointer _checkpointer;

    // The single writer keeps one connection and its prepared statements, used only while holding _writeLock.
    // Taking a pooled connection per transaction re-ran the per-connection pragmas and re-prepared the insert
    // for every feed, inside the writer slot: 70 ms of a 1,000-feed first cycle.
    private SqliteConnection? _writer;
    private readonly Dictionary<string, PreparedStatement> _statements = new(ReferenceEqualityComparer.Instance);

    public Database(IOptions<StorageOptions> options, IHostEnvironment environment)
        : this(System.IO.Path.GetFullPath(options.Value.Database, environment.ContentRootPath))
    {
    }

    public Database(string path)
    {
        DapperConventions.Apply();
        Path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _checkpointer = new WalCheckpointer(OpenAsync, _writeLock);
    }

    public string Path { get; }

    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
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
    public async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            _writer ??= await OpenAsync(cancellationToken);
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
    internal PreparedStatement Statement(string sql)
    {
        if (_statements.TryGetValue(sql, out var statement)) return statement;
        statement = new PreparedStatement(_writer!.Handle!, sql);
        _statements[sql] = statement;
        return statement;
    }

    /// <summary>Ends a <see cref="WriteScope"/>: statements back to their start, the slot to the next writer.</summary>
    internal async ValueTask EndWriteAsync(SqliteTransaction transaction)
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

    internal void AfterCommit() => _checkpointer.AfterCommit();

    private void CloseWriter()
    {
        foreach (var statement in _statements.Values) statement.Dispose();
        _statements.Clear();
        _writer?.Dispose();
        _writer = null;
    }

    /// <summary>Closes the writer's connection and the pooled ones: the last to close copies the log into the
    /// file and deletes it, so that the file alone holds everything once the program has ended.</summary>
    public void Dispose()
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
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        var directory = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);

        await using var connection = await OpenAsync(cancellationToken);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;");
        var version = await connection.ExecuteScalarAsync<long>("PRAGMA user_version;");
        foreach (var (number, sql) in Migrations())
        {
            if (number <= version) continue;
            await using var transaction = connection.BeginTransaction();
            await connection.ExecuteAsync(sql, transaction: transaction);
            await connection.ExecuteAsync($"PRAGMA user_version = {number};", transaction: transaction);
            await transaction.CommitAsync(cancellationToken);
        }
    }

    /// <summary>The highest migration number this build knows.</summary>
    public static int SchemaVersion => Migrations().Max(m => m.Number);

    private static IEnumerable<(int Number, string Sql)> Migrations()
    {
        var assembly = typeof(Database).Assembly;
        const string prefix = "Aggregator.Storage.Migrations.";
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            var file = name[prefix.Length..];
            var number = int.Parse(file.AsSpan(0, file.IndexOf('_')), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            yield return (number, reader.ReadToEnd());
        }
    }
}
