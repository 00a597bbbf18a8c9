using System.Text.Json.Nodes;
using Aggregator.Parsing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.EndToEnd;

/// <summary>`aggregator vacuum` through the real executable: it applies Aggregator:Retention at once on either engine,
/// then compacts a SQLite file, and says that PostgreSQL needs no compacting.</summary>
[Trait("Category", "EndToEnd")]
public sealed class VacuumCommandTests
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task VacuumDeletesWhatRetentionSaysIsOldOnEitherEngine(StorageProvider provider)
    {
        using var root = await ContentRoot.CreateAsync(provider);
        root.WriteSettings(aggregator: new JsonObject { ["Retention"] = new JsonObject { ["KeepEntries"] = "90d" } });
        root.WriteFeeds("""{ "feeds": [ { "name": "Alpha", "url": "https://example.invalid/alpha.xml" } ] }""");
        Assert.Equal(0, (await AggregatorProcess.RunAsync(root.Path, "status")).ExitCode); // makes the database and its feed

        var ct = TestContext.Current.CancellationToken;
        using (var database = root.OpenApplicationDatabase())
        {
            var feed = Assert.Single(await new FeedStore(database).GetAllAsync(ct)).Id;
            await using var write = await database.BeginWriteAsync(ct);
            foreach (var (id, daysAgo) in new[] { ("old", 200), ("new", 1) })
                await EntryStore.StoreAsync(write, feed, EntryStore.Encode(id, new ParsedEntry { Id = id, Title = id }, DateTimeOffset.UtcNow.AddDays(-daysAgo),
                    storeHtml: false, utf8: provider == StorageProvider.Sqlite));
            await write.CommitAsync(ct);
        }

        if (provider == StorageProvider.Postgres)
        {
            // Another node is applying retention (holds its lock): vacuum says so instead of "0 entries deleted".
            await using var other = await root.OpenDatabaseAsync();
            await other.ExecuteAsync("SELECT pg_advisory_lock(@Lock)", new { Lock = AdvisoryLocks.Retention });
            var busy = await AggregatorProcess.RunAsync(root.Path, "vacuum");
            Assert.Equal(0, busy.ExitCode);
            Assert.Contains("Retention: another node is deleting old entries right now (1 are due to go)", busy.StdOut);
            Assert.Equal(2, await root.CountAsync("SELECT count(*) FROM entries"));
            await other.ExecuteAsync("SELECT pg_advisory_unlock(@Lock)", new { Lock = AdvisoryLocks.Retention });
        }

        var vacuum = await AggregatorProcess.RunAsync(root.Path, "vacuum");
        Assert.Equal(0, vacuum.ExitCode);
        Assert.Contains("Retention: 1 entries deleted", vacuum.StdOut);
        Assert.Contains(provider == StorageProvider.Postgres ? "VACUUM: not needed on PostgreSQL" : "VACUUM: compacting", vacuum.StdOut);
        Assert.Equal(1, await root.CountAsync("SELECT count(*) FROM entries"));
    }
}
