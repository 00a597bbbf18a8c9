using Aggregator.Parsing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.Options;

namespace Aggregator.Tests.Storage;

/// <summary>Retention on a real SQLite file and a real PostgreSQL database: old unmatched entries go, matched ones stay
/// longer, and nothing with a delivery still pending is ever deleted.</summary>
public sealed class RetentionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-retention-").FullName;
    private Database _database = null!;

    private async Task UseAsync(StorageProvider provider) => _database = await TestDatabases.CreateAsync(provider, _directory);

    public void Dispose()
    {
        _database?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<long> AddAsync(long feedId, string title, int daysAgo, string? matchedBy = null, string? delivery = null, long? duplicateOf = null)
    {
        var ct = TestContext.Current.CancellationToken;
        var at = Now.AddDays(-daysAgo);
        long matchId = 0;
        await using (var write = await _database.BeginWriteAsync(ct))
        {
            var entry = new ParsedEntry { Id = title, Title = title, Summary = "Iran and Russia" };
            var entryId = (await EntryStore.InsertAsync(write, feedId, EntryStore.Encode("id:" + title, entry, at, storeHtml: false)))!.Value;
            if (matchedBy is not null)
            {
                matchId = (await new MatchStore(_database).InsertAsync(write, entryId, matchedBy, ["Iran"], at, duplicateOf))!.Value;
                if (delivery is not null) await new OutboxStore(_database).InsertAsync(write, "d-" + title, matchId, "ops", "{}", at, at, null);
            }
            await write.CommitAsync(ct);
        }
        if (delivery == "delivered") await new OutboxStore(_database).MarkDeliveredAsync(["d-" + title], at, ct);
        return matchId;
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task OldUnmatchedEntriesGoMatchedOnesStayLongerAndPendingOnesStay(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await UseAsync(provider);
        var feeds = new FeedStore(_database);
        await feeds.SyncAsync([new FeedDefinition("Alpha", new Uri("https://example.org/a"), null, [])], Now, ct);
        var feed = (await feeds.GetAllAsync(ct))[0].Id;
        await AddAsync(feed, "recent", 1);
        await AddAsync(feed, "old-unmatched", 100);
        await AddAsync(feed, "old-matched-sent", 100, "r", "delivered");
        var original = await AddAsync(feed, "ancient-matched-sent", 400, "r", "delivered");
        // the same story later, through another entry: its match names the one retention deletes
        await AddAsync(feed, "later-duplicate", 200, "r", duplicateOf: original);
        await AddAsync(feed, "ancient-matched-pending", 400, "r", "pending");
        await new SearchIndex(_database).UpdateAsync(ct);

        var retention = new Retention(_database, Options.Create(new RetentionOptions { KeepEntries = TimeSpan.FromDays(90), KeepMatched = TimeSpan.FromDays(365) }));
        Assert.Equal(2, await retention.CountAsync(Now, ct));
        var progress = new List<long>();
        Assert.Equal(2, await retention.RunAsync(Now, progress.Add, ct));
        Assert.Equal([2L], progress);

        await using var connection = await _database.OpenAsync(ct);
        Assert.Equal(["ancient-matched-pending", "later-duplicate", "old-matched-sent", "recent"],
            (await connection.QueryAsync<string>("SELECT title FROM entries ORDER BY title")).ToList());
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM matches"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM matches WHERE duplicate_of IS NOT NULL"));
        Assert.Equal(["pending"], (await connection.QueryAsync<string>("SELECT status FROM outbox WHERE id = 'd-ancient-matched-pending'")).ToList());
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox WHERE status = 'delivered'"));
        Assert.Equal(0, await retention.RunAsync(Now, cancellationToken: ct));
        if (provider == StorageProvider.Postgres)
        {
            Assert.Equal(4, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries_search")); // with their entries
            return;
        }
        // The full-text index forgot them too: search finds only what is stored.
        Assert.Equal(4, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries_fts WHERE entries_fts MATCH 'iran'"));
        Assert.Equal("ok", await connection.ExecuteScalarAsync<string>("PRAGMA integrity_check"));
        await connection.ExecuteAsync("INSERT INTO entries_fts (entries_fts, rank) VALUES ('integrity-check', 0)"); // throws when corrupt
    }

    [Fact]
    public async Task OnPostgresOneNodeAppliesItAtATime()
    {
        var ct = TestContext.Current.CancellationToken;
        await UseAsync(StorageProvider.Postgres);
        var feeds = new FeedStore(_database);
        await feeds.SyncAsync([new FeedDefinition("Alpha", new Uri("https://example.org/a"), null, [])], Now, ct);
        await AddAsync((await feeds.GetAllAsync(ct))[0].Id, "old-unmatched", 100);
        var retention = new Retention(_database, Options.Create(new RetentionOptions { KeepEntries = TimeSpan.FromDays(90) }));

        // Another node is applying it (holds its lock): this one leaves the work to it.
        await using (var other = await _database.OpenAsync(ct))
        {
            await other.ExecuteAsync("SELECT pg_advisory_lock(@Lock)", new { Lock = AdvisoryLocks.Retention });
            Assert.Null(await retention.RunAsync(Now, cancellationToken: ct)); // left to that node, not "0 deleted"
            await other.ExecuteAsync("SELECT pg_advisory_unlock(@Lock)", new { Lock = AdvisoryLocks.Retention });
        }
        Assert.Equal(1, await retention.RunAsync(Now, cancellationToken: ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task OldOperationalAlertsAndEndedProblemsGoAfterKeepEntriesButNeverPendingOrOpenOnes(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        await UseAsync(provider);
        var outbox = new OutboxStore(_database);
        await using (var write = await _database.BeginWriteAsync(ct))
        {
            foreach (var (id, daysAgo) in new[] { ("old-sent", 100), ("old-pending", 100), ("recent-sent", 10) })
                await OutboxStore.InsertOperationalAsync(write, id, "ops", "{}", Now.AddDays(-daysAgo));
            var ended = (await HealthProblemStore.OpenAsync(write, "feed_failing", "Alpha", "failing", Now.AddDays(-120)))!.Value;
            await HealthProblemStore.EndAsync(write, ended, Now.AddDays(-100));
            await HealthProblemStore.OpenAsync(write, "feed_gone", "Beta", "gone", Now.AddDays(-200));
            await write.CommitAsync(ct);
        }
        await outbox.MarkDeliveredAsync(["old-sent", "recent-sent"], Now, ct);

        var retention = new Retention(_database, Options.Create(new RetentionOptions { KeepEntries = TimeSpan.FromDays(90) }));
        Assert.Equal(0, await retention.RunAsync(Now, cancellationToken: ct)); // no entries to delete; the rest goes all the same

        await using var connection = await _database.OpenAsync(ct);
        Assert.Equal(["old-pending", "recent-sent"], (await connection.QueryAsync<string>("SELECT id FROM outbox ORDER BY id")).ToList());
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM outbox_attempts WHERE outbox_id = 'old-sent'"));
        Assert.Equal(["Beta"], (await connection.QueryAsync<string>("SELECT subject FROM health_problems")).ToList());
    }

    [Fact]
    public async Task WithoutRetentionSettingsNothingIsDeleted()
    {
        var ct = TestContext.Current.CancellationToken;
        await UseAsync(StorageProvider.Sqlite);
        var feeds = new FeedStore(_database);
        await feeds.SyncAsync([new FeedDefinition("Alpha", new Uri("https://example.org/a"), null, [])], Now, ct);
        await AddAsync((await feeds.GetAllAsync(ct))[0].Id, "ancient", 3000);
        var retention = new Retention(_database, Options.Create(new RetentionOptions()));
        Assert.False(retention.Enabled);
        Assert.Equal(0, await retention.RunAsync(Now, cancellationToken: ct));
        await using var connection = await _database.OpenAsync(ct);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries"));
    }

    [Theory]
    [InlineData("12h", null, "KeepEntries is 12:00:00; it must be between 1 day and 3650 days")]
    [InlineData("90d", "30d", "KeepMatched (30.00:00:00) would delete matched entries before the others")]
    [InlineData(null, "30d", "KeepMatched (30.00:00:00) would delete matched entries before the others (KeepEntries is unset")]
    public void RetentionSettingsThatWouldDeleteTooMuchAreRefusedWithTheKey(string? entries, string? matched, string error)
    {
        static TimeSpan? Parse(string? text) => text is null ? null : Aggregator.Configuration.Duration.TryParse(text, out var span) ? span : throw new FormatException(text);
        var result = new ValidateRetentionOptions().Validate(null, new RetentionOptions { KeepEntries = Parse(entries), KeepMatched = Parse(matched) });
        Assert.Contains(result.Failures!, f => f.StartsWith("Aggregator:Retention:", StringComparison.Ordinal) && f.Contains(error, StringComparison.Ordinal));
    }
}
