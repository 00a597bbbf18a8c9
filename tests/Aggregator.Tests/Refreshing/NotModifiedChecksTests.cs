using Aggregator.Refreshing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Tests.Refreshing;

public sealed class NotModifiedChecksTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-checks-").FullName;

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ChecksAreWrittenAHundredAtATimeAndTheRestOnFlush(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var (database, feeds, ids) = await SetUpAsync(provider, 150, ct);
        var checks = new NotModifiedChecks(database, NullLogger.Instance);
        var now = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

        foreach (var id in ids) await checks.AddAsync(Check(id, now), ct);
        Assert.Equal(100, await CheckedAsync(database, ct));
        await checks.FlushAsync(ct);
        Assert.Equal(150, await CheckedAsync(database, ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AWriteTheDatabaseRefusesFailsNoPollAndLeavesTheFeedsDue(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var (database, feeds, ids) = await SetUpAsync(provider, 1, ct);
        await using (var connection = await database.OpenAsync(ct))
            await connection.ExecuteAsync(provider == StorageProvider.Sqlite
                ? "CREATE TRIGGER refuse BEFORE UPDATE ON feeds BEGIN SELECT RAISE(ABORT, 'refused'); END;"
                : """
                  CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$;
                  CREATE TRIGGER refuse BEFORE UPDATE ON feeds FOR EACH ROW EXECUTE FUNCTION refuse();
                  """);
        var checks = new NotModifiedChecks(database, NullLogger.Instance);

        await checks.AddAsync(Check(ids[0], DateTimeOffset.UtcNow), ct);
        await checks.FlushAsync(ct); // logs a warning instead of throwing into the poll

        Assert.Equal(0, await CheckedAsync(database, ct));
        Assert.Single(await feeds.GetDueAsync(DateTimeOffset.UtcNow, ct));
    }

    private async Task<(Database, FeedStore, long[])> SetUpAsync(StorageProvider provider, int count, CancellationToken ct)
    {
        var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        await feeds.SyncAsync(Enumerable.Range(0, count).Select(i => new FeedDefinition($"f{i}", new Uri($"https://example.com/{i}"), null, [])).ToList(),
            DateTimeOffset.UtcNow.AddMinutes(-1), ct);
        return (database, feeds, (await feeds.GetAllAsync(ct)).Select(f => f.Id).ToArray());
    }

    private static FeedCheck Check(long feedId, DateTimeOffset now) => new()
    {
        FeedId = feedId,
        CheckedAt = now,
        NextCheckAt = now.AddMinutes(15),
        Succeeded = true,
        Status = 304,
    };

    private static async Task<long> CheckedAsync(Database database, CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM feeds WHERE last_status = 304 AND last_checked_at IS NOT NULL");
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
