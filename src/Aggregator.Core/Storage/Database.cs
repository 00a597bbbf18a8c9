using System.Data.Common;

namespace Aggregator.Storage;

/// <summary>The database, whichever engine holds it: opens connections, applies migrations, and hands out write
/// transactions (<see cref="WriteScope"/>). Two implementations, the one plug point between the engines:
/// <see cref="SqliteDatabase"/> (one file, a single in-process writer with its statements prepared once) and
/// <see cref="PostgresDatabase"/> (a server several nodes share, pooled connections and concurrent writers). The stores'
/// SQL is the same for both where it can be; where it cannot, the store holds both texts side by side.</summary>
public abstract class Database : IDisposable
{
    protected Database() => DapperConventions.Apply();

    /// <summary>This process among those sharing the database: who claims, polls and delivers (PostgreSQL).</summary>
    public ClusterNode Node { get; } = ClusterNode.ForThisProcess();

    public abstract StorageProvider Provider { get; }

    /// <summary>How messages name the database: its file, or "PostgreSQL database NAME on HOST:PORT".</summary>
    public abstract string Name { get; }

    /// <summary>A connection for reading, or for a write made outside <see cref="BeginWriteAsync"/>.</summary>
    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Opens a write transaction; dispose without commit rolls back.</summary>
    public abstract Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken = default);

    /// <summary>Creates the schema or brings it up to date: the numbered scripts of <see cref="Migration"/> for this
    /// engine, each in its own transaction. Shipped scripts are never edited.</summary>
    public abstract Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>The migrations this database has run, by number.</summary>
    public abstract Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken = default);

    /// <summary>The highest migration number this build knows (the same for both engines).</summary>
    public static int SchemaVersion => Migration.For(StorageProvider.Sqlite).Max(m => m.Number);

    /// <summary>The database the settings point at.</summary>
    public static Database Open(StorageTarget target) => target.Provider switch
    {
        StorageProvider.Postgres => new PostgresDatabase(target.Location),
        _ => new SqliteDatabase(target.Location),
    };

    /// <summary>The single writer's prepared statement for this SQL (SQLite only: see <see cref="WriteScope.Statement"/>).</summary>
    internal abstract PreparedStatement Statement(string sql);

    internal abstract ValueTask EndWriteAsync(DbConnection connection, DbTransaction transaction);

    internal virtual void AfterCommit()
    {
    }

    public abstract void Dispose();
}
