using Aggregator.Storage;

namespace Aggregator.Tests.Support;

/// <summary>A fresh, migrated database of either engine for a test that works with the stores in this process: a SQLite
/// file in a folder of the test's, or a PostgreSQL database of its own on <see cref="PostgresServer"/>.</summary>
public static class TestDatabases
{
    /// <summary>Both engines, for [Theory] tests that must hold on each.</summary>
    public static TheoryData<StorageProvider> Providers => [StorageProvider.Sqlite, StorageProvider.Postgres];

    /// <param name="directory">Where a SQLite file goes (as directory/sub/aggregator.db).</param>
    public static async Task<Database> CreateAsync(StorageProvider provider, string directory, bool migrate = true)
    {
        Database database = provider == StorageProvider.Postgres
            ? new PostgresDatabase(await PostgresServer.CreateDatabaseAsync())
            : new SqliteDatabase(Path.Combine(directory, "sub", "aggregator.db"));
        if (migrate) await database.MigrateAsync(TestContext.Current.CancellationToken);
        return database;
    }
}
