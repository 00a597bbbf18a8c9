using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>SQLite and PostgreSQL share one numbered sequence of migrations: a number means the same schema on both,
/// which `aggregator migrate` relies on to copy one into the other.</summary>
public sealed class ProviderMigrationTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-migrations-").FullName;

    [Fact]
    public void EveryMigrationNumberHasAScriptForBothEngines()
    {
        var sqlite = Migration.For(StorageProvider.Sqlite).Select(m => m.Number).ToList();
        var postgres = Migration.For(StorageProvider.Postgres).Select(m => m.Number).ToList();
        Assert.Equal(sqlite, postgres);
        Assert.Equal(sqlite.Count, sqlite.Distinct().Count());
        Assert.Equal(Database.SchemaVersion, postgres.Max());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task BothEnginesRunEveryMigrationOnceAndEndAtTheSameVersion(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = await TestDatabases.CreateAsync(provider, _directory, migrate: false);
        Assert.Empty(await database.AppliedMigrationsAsync(ct));
        await database.MigrateAsync(ct);
        await database.MigrateAsync(ct); // a second start changes nothing
        var applied = await database.AppliedMigrationsAsync(ct);
        Assert.Equal(Migration.For(provider).Select(m => m.Number), applied);
        Assert.Equal(Database.SchemaVersion, applied[^1]);

        // The same tables on both, whatever the engine calls its own.
        await using var connection = await database.OpenAsync(ct);
        var tables = (await connection.QueryAsync<string>(provider == StorageProvider.Sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table'"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).ToHashSet();
        Assert.Superset(new HashSet<string> { "feeds", "entries", "matches", "outbox", "nodes", "search_index" }, tables);
    }

    [Fact]
    public async Task PostgresNodesStartingTogetherMigrateOnceBetweenThem()
    {
        var ct = TestContext.Current.CancellationToken;
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var nodes = Enumerable.Range(0, 3).Select(_ => new PostgresDatabase(connectionString)).ToList();
        await Task.WhenAll(nodes.Select(n => n.MigrateAsync(ct)));
        Assert.Equal(Migration.For(StorageProvider.Postgres).Select(m => m.Number), await nodes[0].AppliedMigrationsAsync(ct));
        foreach (var node in nodes) node.Dispose();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
