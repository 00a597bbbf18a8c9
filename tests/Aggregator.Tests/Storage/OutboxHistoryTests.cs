using System.Text.RegularExpressions;
using Aggregator.Parsing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>Migration 0012 and what it holds: the rebuilt outbox keeps every row, id and order; each delivery attempt is
/// recorded with the row's change; a health problem is open once per subject, whoever records it first.</summary>
public sealed partial class OutboxHistoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-outbox-history-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task UpgradingASqliteDatabaseKeepsEveryOutboxRowItsIdAndOrderAndTheAlertsView()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_directory, "old.db");
        // A database as version 11 left it, with three deliveries queued in an order their ids do not sort in.
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await old.OpenAsync(ct);
            var assembly = typeof(Database).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => Script().Match(n) is { Success: true } m && int.Parse(m.Groups[1].Value) <= 11)
                         .Order(StringComparer.Ordinal))
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                await old.ExecuteAsync(await reader.ReadToEndAsync(ct));
            }
            await old.ExecuteAsync("""
                PRAGMA user_version = 11;
                INSERT INTO feeds (name, url, config_url, next_check_at, created_at) VALUES ('Alpha', 'https://example.com/', 'https://example.com/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                INSERT INTO entries (feed_id, entry_key, title, fetched_at) VALUES (1, 'a', 'One', '2026-01-01T00:00:00Z'), (1, 'b', 'Two', '2026-01-01T00:00:00Z');
                INSERT INTO matches (entry_id, rule, terms, matched_at) VALUES (1, 'r', '[]', '2026-01-01T00:00:00Z'), (2, 'r', '[]', '2026-01-01T00:00:00Z');
                INSERT INTO outbox (id, match_id, notifier, payload, status, attempts, next_attempt_at, created_at, digest_key)
                VALUES ('zz', 1, 'ops', '{}', 'delivered', 1, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL),
                       ('aa', 2, 'ops', '{}', 'dead', 12, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NULL),
                       ('mm', 2, 'email', '{}', 'pending', 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'k');
                """);
        }

        using var database = new SqliteDatabase(path);
        await database.MigrateAsync(ct);
        await using var connection = await database.OpenAsync(ct);
        Assert.Equal(["zz", "aa", "mm"], await connection.QueryAsync<string>("SELECT id FROM outbox ORDER BY rowid"));
        Assert.Equal(3, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM alerts"));
        Assert.Equal("k", await connection.ExecuteScalarAsync<string>("SELECT digest FROM alerts WHERE delivery_id = 'mm'"));
        Assert.Empty(await connection.QueryAsync("PRAGMA foreign_key_check"));
        Assert.Equal(["outbox_digest", "outbox_due"], (await connection.QueryAsync<string>(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' AND name NOT LIKE 'sqlite_%' ORDER BY name")).ToList());
        // A match's delivery still cascades with it; an operational one belongs to no match.
        await connection.ExecuteAsync("DELETE FROM matches WHERE id = 2");
        Assert.Equal(["zz"], await connection.QueryAsync<string>("SELECT id FROM outbox"));
        await connection.ExecuteAsync("INSERT INTO outbox (id, notifier, payload, next_attempt_at, created_at) VALUES ('health-1-problem-ops', 'ops', '{}', 'x', 'x')");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task EveryAttemptIsRecordedWithTheRowsChangeAndOnlyForRowsStillPending(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var now = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        var outbox = new OutboxStore(database);
        await new FeedStore(database).SyncAsync([new FeedDefinition("Alpha", new Uri("https://example.org/a"), null, [])], now, ct);
        await using (var write = await database.BeginWriteAsync(ct))
        {
            var feedId = await write.Connection.ExecuteScalarAsync<long>("SELECT id FROM feeds", transaction: write.Transaction);
            var entryId = (await EntryStore.InsertAsync(write, feedId, EntryStore.Encode("a", new ParsedEntry { Title = "One" }, now, storeHtml: false,
                utf8: provider == StorageProvider.Sqlite)))!.Value;
            var matchId = (await new MatchStore(database).InsertAsync(write, entryId, "r", [], now))!.Value;
            await outbox.InsertAsync(write, "d1", matchId, "ops", "{}", now, now, null);
            await OutboxStore.InsertOperationalAsync(write, "health-1-problem-ops", "ops", "{}", now);
            await OutboxStore.InsertOperationalAsync(write, "health-1-problem-ops", "ops", "{}", now); // a second node: nothing
            await write.CommitAsync(ct);
        }
        await outbox.MarkRetryAsync(["d1"], now, now.AddMinutes(1), "answered 503", ct);
        await outbox.MarkDeadAsync(["d1"], now.AddMinutes(1), "answered 400", ct);
        await outbox.MarkDeliveredAsync(["d1"], now.AddMinutes(2), ct); // dead already: no change, no attempt
        await outbox.MarkDeliveredAsync(["health-1-problem-ops"], now.AddMinutes(2), ct);

        var attempts = await outbox.GetAttemptsAsync("d1", ct);
        Assert.Equal([("failed", "answered 503", now), ("dead", "answered 400", now.AddMinutes(1))],
            attempts.Select(a => (a.Outcome, a.Error, a.AttemptedAt)).ToList());
        Assert.Equal(provider == StorageProvider.Postgres, attempts[0].Node is not null);
        Assert.Equal("delivered", Assert.Single(await outbox.GetAttemptsAsync("health-1-problem-ops", ct)).Outcome);
        Assert.Null((await outbox.GetAsync("health-1-problem-ops", ct))!.MatchId);
        Assert.Null(await outbox.GetAsync("no-such-id", ct));

        // The dead letter is one of a rule's; the operational row never is. The failing notifier: none, ops delivered last.
        Assert.Equal("d1", Assert.Single(await outbox.GetDeadLettersAsync(ct)).Id);
        Assert.Empty(await outbox.GetFailingNotifiersAsync(ct));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AProblemIsOpenOncePerSubjectAndEndsOnce(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var now = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

        async Task<long?> OpenAsync()
        {
            await using var write = await database.BeginWriteAsync(ct);
            var id = await HealthProblemStore.OpenAsync(write, "feed_failing", "Alpha", "failing", now);
            await write.CommitAsync(ct);
            return id;
        }

        async Task<bool> EndAsync(long id)
        {
            await using var write = await database.BeginWriteAsync(ct);
            var ended = await HealthProblemStore.EndAsync(write, id, now);
            await write.CommitAsync(ct);
            return ended;
        }

        var first = await OpenAsync();
        Assert.NotNull(first);
        Assert.Null(await OpenAsync()); // open already
        Assert.True(await EndAsync(first.Value));
        Assert.False(await EndAsync(first.Value)); // ended already
        var again = await OpenAsync();
        Assert.NotNull(again);
        Assert.NotEqual(first, again);
        Assert.Equal(again, Assert.Single(await new HealthProblemStore(database).GetOpenAsync(ct)).Id);
    }

    [GeneratedRegex(@"\.Migrations\.(\d{4})_")]
    private static partial Regex Script();
}
