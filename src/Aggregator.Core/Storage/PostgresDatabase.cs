using System.Data.Common;
using Dapper;
using Npgsql;

namespace Aggregator.Storage;

/// <summary>A PostgreSQL database that several nodes share. Writes run on pooled connections, each in a transaction of
/// its own and beside each other (no single writer: PostgreSQL's row locks and MVCC serve many). Statements a poll runs
/// thousands of times (the entry insert, a poll's outcome, the claims) are prepared by Npgsql on each connection the
/// second time they run (Max Auto Prepare), so that they are parsed and planned once per connection, as SQLite's
/// writer prepares them once.</summary>
public sealed class PostgresDatabase : Database
{
    /// <summary>Held while migrating, so that nodes starting together migrate one after the other.</summary>
    private const long MigrationLock = AdvisoryLocks.Migration;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDatabase(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Name = $"PostgreSQL database {builder.Database} on {builder.Host}:{builder.Port}";
        // Unless the user chose otherwise: prepare what runs twice, keep up to 64 such statements per connection.
        if (builder.MaxAutoPrepare == 0) builder.MaxAutoPrepare = 64;
        // A connection goes back to the pool after every feed's write; resetting its session each time (RESET ALL,
        // CLOSE ALL, pg_advisory_unlock_all ...) is work for the server with nothing to undo: we set no session state
        // and take only transaction-scoped advisory locks, but for the migration lock, which is released by name.
        // (NpgsqlConnectionStringBuilder.ContainsKey says whether a keyword exists, not whether it was given: ask a plain
        // builder of the user's string.)
        if (!new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
                .Any(key => string.Equals(key.Replace(" ", "", StringComparison.Ordinal), "NoResetOnClose", StringComparison.OrdinalIgnoreCase)))
            builder.NoResetOnClose = true;
        builder.ApplicationName ??= "aggregator";
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public override StorageProvider Provider => StorageProvider.Postgres;

    public override string Name { get; }

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<WriteScope> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return new WriteScope(connection, await connection.BeginTransactionAsync(cancellationToken), this);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal override PreparedStatement Statement(string sql) =>
        throw new NotSupportedException("prepared statements are the SQLite writer's; on PostgreSQL run the SQL through Dapper (Npgsql prepares it)");

    internal override async ValueTask EndWriteAsync(DbConnection connection, DbTransaction transaction)
    {
        try
        {
            await transaction.DisposeAsync(); // rolls back unless committed
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private const string CreateVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    integer     PRIMARY KEY,  -- the number of a script in Migrations/postgres/
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    /// <summary>Runs every script of Migrations/postgres/ this database has not run, in order, each in its own
    /// transaction with its row in schema_version. A row per script, not only the last number: a script that arrives
    /// with a lower number than one already run (branches merged in another order) still runs.</summary>
    public override async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_lock(@Lock)", new { Lock = MigrationLock });
        try
        {
            await connection.ExecuteAsync(CreateVersionTable);
            var applied = (await connection.QueryAsync<int>("SELECT version FROM schema_version")).ToHashSet();
            foreach (var migration in Migration.For(StorageProvider.Postgres))
            {
                if (applied.Contains(migration.Number)) continue;
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await connection.ExecuteAsync(migration.Sql, transaction: transaction);
                await connection.ExecuteAsync("INSERT INTO schema_version (version, name) VALUES (@Number, @Name)",
                    new { migration.Number, migration.Name }, transaction);
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@Lock)", new { Lock = MigrationLock });
        }
    }

    public override async Task<IReadOnlyList<int>> AppliedMigrationsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        var exists = await connection.ExecuteScalarAsync<bool>("SELECT to_regclass('schema_version') IS NOT NULL");
        return exists ? (await connection.QueryAsync<int>("SELECT version FROM schema_version ORDER BY version")).AsList() : [];
    }

    public override void Dispose() => _dataSource.Dispose();
}
