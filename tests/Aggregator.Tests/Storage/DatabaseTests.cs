using Aggregator.Parsing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

public sealed class DatabaseTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-db-").FullName;

    private string DbPath => Path.Combine(_directory, "sub", "aggregator.db");

    [Fact]
    public async Task MigrationCreatesTheFileInWalModeAtTheLatestVersionAndCanRunAgain()
    {
        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Database.SchemaVersion, await connection.ExecuteScalarAsync<long>("PRAGMA user_version"));
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        var tables = (await connection.QueryAsync<string>("SELECT name FROM sqlite_master WHERE type = 'table'")).ToHashSet();
        Assert.Superset(new HashSet<string> { "feeds", "entries", "matches", "outbox" }, tables);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AnEntrySeenAgainIsNotNewAndTimesAreStoredInUtc(StorageProvider provider)
    {
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        var now = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.FromHours(2));
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x.xml"), null, ["t"])], now, TestContext.Current.CancellationToken);
        var feed = Assert.Single(await feeds.GetAllAsync(TestContext.Current.CancellationToken));
        Assert.Equal(now, feed.NextCheckAt);

        var entries = new EntryStore(database);
        var entry = new ParsedEntry { Id = "1", Title = "One", Author = "", Published = now, Enclosures = [new Enclosure("https://example.com/1.mp3", "audio/mpeg", 42)] };
        long? first, again;
        await using (var write = await database.BeginWriteAsync(TestContext.Current.CancellationToken))
        {
            first = await EntryStore.InsertAsync(write, feed.Id, EntryStore.Encode("id:1", entry, now, storeHtml: false));
            // A changed date alone is no change (an edited title is: StoredEntryUpdateTests).
            again = await EntryStore.InsertAsync(write, feed.Id, EntryStore.Encode("id:1", entry with { Published = now.AddHours(1) }, now.AddHours(1), storeHtml: false));
            await write.CommitAsync(TestContext.Current.CancellationToken);
        }
        Assert.NotNull(first);
        Assert.Null(again);

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var row = Assert.Single(await new EntryStore(database).ListAsync(null, null, 10, TestContext.Current.CancellationToken));
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero), row.PublishedAt);
        Assert.Equal(("One", "", null), (row.Title, row.Author, row.Summary)); // an empty text stays '', a missing one NULL
        var enclosures = System.Text.Json.JsonDocument.Parse(await connection.ExecuteScalarAsync<string>("SELECT enclosures FROM entries") ?? "").RootElement;
        Assert.Equal("https://example.com/1.mp3 audio/mpeg 42", string.Join(" ", enclosures[0].GetProperty("url"), enclosures[0].GetProperty("type"), enclosures[0].GetProperty("length")));
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries"));
        if (provider != StorageProvider.Sqlite) return;
        // SQLite keeps times as ISO-8601 UTC text and JSON as compact text, as sqlite3 shows them.
        Assert.Equal("2026-11-23T08:00:00Z", await connection.ExecuteScalarAsync<string>("SELECT published_at FROM entries"));
        Assert.Equal("text text null", await connection.ExecuteScalarAsync<string>("SELECT typeof(title) || ' ' || typeof(author) || ' ' || typeof(summary) FROM entries"));
        Assert.Equal("""[{"url":"https://example.com/1.mp3","type":"audio/mpeg","length":42}]""", await connection.ExecuteScalarAsync<string>("SELECT enclosures FROM entries"));
    }

    /// <summary>A feed's entries stored together (on PostgreSQL, one statement): each gets its id or null in the order
    /// given, ids rising in that order, a key stored before or twice in the document stored once, and a NUL or a lone
    /// surrogate in a text or a category does not fail the feed.</summary>
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AFeedsEntriesStoredTogetherGetTheirIdsInOrderAndKnownKeysNone(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        var now = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x.xml"), null, [])], now, ct);
        var feedId = Assert.Single(await feeds.GetAllAsync(ct)).Id;
        EntryStore.EncodedEntry Encode(string key, string? title = null, IReadOnlyList<string>? categories = null) =>
            EntryStore.Encode(key, new ParsedEntry { Id = key, Title = title ?? key, Categories = categories ?? [] }, now, storeHtml: false);

        EntryStore.StoredEntry?[] first, second;
        await using (var write = await database.BeginWriteAsync(ct))
        {
            first = await EntryStore.StoreAllAsync(write, feedId, [Encode("a"), Encode("b", "nul\0 and \ud800 lone"), Encode("a"), Encode("c", categories: ["\u0000"])]);
            await write.CommitAsync(ct);
        }
        await using (var write = await database.BeginWriteAsync(ct))
        {
            second = await EntryStore.StoreAllAsync(write, feedId, [Encode("c"), Encode("d"), Encode("b", "nul\0 and \ud800 lone")]);
            await write.CommitAsync(ct);
        }

        Assert.Equal([true, true, false, true], first.Select(id => id is not null));
        Assert.True(first[0]!.Id < first[1]!.Id && first[1]!.Id < first[3]!.Id, $"ids {string.Join(", ", first.Select(e => e?.Id))} do not rise in the order given");
        Assert.Equal([false, true, false], second.Select(id => id is not null));
        Assert.True(second[1]!.Id > first[3]!.Id);
        await using (var write = await database.BeginWriteAsync(ct))
            Assert.Empty(await EntryStore.StoreAllAsync(write, feedId, [])); // an empty document sends nothing
        var titles = (await new EntryStore(database).ListAsync(null, null, 10, ct)).ToDictionary(e => e.EntryKey, e => e.Title);
        Assert.Equal(["a", "b", "c", "d"], titles.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("a", "c", "d"), (titles["a"], titles["c"], titles["d"]));
        if (provider == StorageProvider.Postgres) Assert.Equal("nul\uFFFD and \uFFFD lone", titles["b"]);

        // Two keys that PostgreSQL stores alike (a NUL becomes U+FFFD) in one document: there, the second is the first
        // seen again, not a statement that fails the feed.
        await using (var write = await database.BeginWriteAsync(ct))
        {
            var alike = await EntryStore.StoreAllAsync(write, feedId, [Encode("e\0"), Encode("e\uFFFD")]);
            Assert.NotNull(alike[0]);
            Assert.Equal(provider == StorageProvider.Postgres, alike[1] is null);
            await write.CommitAsync(ct);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task EntriesAreListedNewestFirstByTheirDateOrWhenFirstSeenAcrossFeedsOrForOne(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        var now = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        await feeds.SyncAsync([
            new FeedDefinition("Alpha", new Uri("https://example.com/a"), null, []),
            new FeedDefinition("Beta", new Uri("https://example.com/b"), null, []),
        ], now, ct);
        var ids = (await feeds.GetAllAsync(ct)).ToDictionary(f => f.Name, f => f.Id);
        var entries = new EntryStore(database);
        await using (var write = await database.BeginWriteAsync(ct))
        {
            // title: feed, published (hours before now; null = none, so the fetch time, now, is its date)
            foreach (var (feed, title, hoursAgo) in new (string, string, int?)[]
                     { ("Alpha", "a-old", 48), ("Beta", "b-mid", 5), ("Alpha", "a-undated", null), ("Beta", "b-new", 1), ("Alpha", "a-mid", 5) })
            {
                var entry = new ParsedEntry { Id = title, Title = title, Published = hoursAgo is { } h ? now.AddHours(-h) : null };
                await EntryStore.InsertAsync(write, ids[feed], EntryStore.Encode("id:" + title, entry, now, storeHtml: false));
            }
            await write.CommitAsync(ct);
        }

        async Task<string> List(string? feed, DateTimeOffset? since, int limit) =>
            string.Join(" ", (await entries.ListAsync(feed, since, limit, ct)).Select(e => e.Title));

        Assert.Equal("a-undated b-new a-mid b-mid a-old", await List(null, null, 10));
        Assert.Equal("a-undated b-new a-mid", await List(null, null, 3)); // same date: the later stored first
        Assert.Equal("a-undated a-mid a-old", await List("alpha", null, 10)); // feed names compare as in feeds.json, any case
        Assert.Equal("b-new b-mid", await List("Beta", now.AddHours(-6), 10));
        Assert.Equal("", await List("Gamma", null, 10));
    }

    [Fact]
    public async Task CommittedPagesReachTheDatabaseFileWhileConnectionsStayOpen()
    {
        // Under WAL the database file grows only when a checkpoint copies the log into it. Our connections
        // leave that to WalCheckpointer, after the commit; without it the file would wait for the last close.
        var ct = TestContext.Current.CancellationToken;
        var database = new SqliteDatabase(DbPath);
        await database.MigrateAsync(ct);
        await using var reader = await database.OpenAsync(ct);
        Assert.Equal(0, await reader.ExecuteScalarAsync<long>("PRAGMA wal_autocheckpoint"));
        var before = new FileInfo(DbPath).Length;
        var feeds = new FeedStore(database);
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x"), null, [])], DateTimeOffset.UtcNow, ct);
        var feed = Assert.Single(await feeds.GetAllAsync(ct));
        await using (var write = await database.BeginWriteAsync(ct))
        {
            var text = new string('x', 1 << 20);
            await EntryStore.InsertAsync(write, feed.Id, EntryStore.Encode("id:big", new ParsedEntry { Id = "big", Content = text }, DateTimeOffset.UtcNow, storeHtml: false));
            await write.CommitAsync(ct);
        }
        await Eventually.TrueAsync(() => new FileInfo(DbPath).Length >= before + (1 << 20),
            () => $"the database file is {new FileInfo(DbPath).Length} bytes, was {before} before 1 MiB was committed");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AWriteLeftUncommittedLeavesNothingAndTheNextWriteStoresItsEntries(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        var (database, feedId) = await DatabaseWithOneFeedAsync(ct, provider);
        await using (var write = await database.BeginWriteAsync(ct))
            Assert.NotNull(await EntryStore.InsertAsync(write, feedId, Encode("lost")));
        await using (var write = await database.BeginWriteAsync(ct))
        {
            Assert.NotNull(await EntryStore.InsertAsync(write, feedId, Encode("lost")));
            Assert.NotNull(await EntryStore.InsertAsync(write, feedId, Encode("kept")));
            await write.CommitAsync(ct);
        }
        await using var connection = await database.OpenAsync(ct);
        Assert.Equal(["id:kept", "id:lost"], await connection.QueryAsync<string>("SELECT entry_key FROM entries ORDER BY entry_key"));
    }

    [Fact]
    public async Task OnceTheDatabaseIsClosedTheFileAloneHoldsEveryCommittedEntry()
    {
        // What a user copying aggregator.db after `aggregator poll` has ended gets: no log beside it to miss.
        var ct = TestContext.Current.CancellationToken;
        var (database, feedId) = await DatabaseWithOneFeedAsync(ct);
        for (var i = 0; i < 20; i++)
        {
            await using var write = await database.BeginWriteAsync(ct);
            await EntryStore.InsertAsync(write, feedId, Encode($"e{i}", new string('x', 100_000)));
            await write.CommitAsync(ct);
        }
        database.Dispose();

        Assert.False(File.Exists(DbPath + "-wal"), "the write-ahead log is still beside the database file");
        var copy = Path.Combine(_directory, "copy.db");
        File.Copy(DbPath, copy);
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={copy};Pooling=False");
        Assert.Equal(20, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries"));
    }

    [Fact]
    public async Task TheLogStartsOverWhileAWriterNeverPauses()
    {
        // SQLite starts the log over only when a write begins with all of it copied into the file, which a writer
        // that never pauses never finds: the log grew to 4 GB in a 10,000-feed first cycle. Here one writer commits
        // 1 MiB after 1 MiB without a pause, as feeds come in, until the log has started over twice (the WAL header's
        // checkpoint sequence number counts the restarts). Without the checkpointer's turn in the writer slot it never
        // does, and the writes stop at 2 GiB.
        const int MaxWrites = 2048;
        var ct = TestContext.Current.CancellationToken;
        var (database, feedId) = await DatabaseWithOneFeedAsync(ct);
        await using (var write = await database.BeginWriteAsync(ct))
        {
            await EntryStore.InsertAsync(write, feedId, Encode("big"));
            await write.CommitAsync(ct);
        }
        var first = WalRestarts();
        int writes;
        long largest = 0;
        for (writes = 0; writes < MaxWrites && WalRestarts() - first < 2; writes++)
        {
            await using (var write = await database.BeginWriteAsync(ct))
            {
                // A new 1 MiB text for the same row each time: the log grows as fast as with new entries, the file does not.
                await write.Connection.ExecuteAsync("UPDATE entries SET content = @Content", new { Content = new string((char)('a' + writes % 26), 1 << 20) }, write.Transaction);
                await write.CommitAsync(ct);
            }
            largest = Math.Max(largest, new FileInfo(DbPath + "-wal").Length);
        }
        Assert.True(WalRestarts() - first >= 2, $"the log did not start over while {writes} MiB were written; it reached {largest >> 20} MiB");
        TestContext.Current.TestOutputHelper?.WriteLine($"started over twice within {writes} MiB written; the log reached {largest >> 20} MiB");
        await using var connection = await database.OpenAsync(ct);
        Assert.Equal(1 << 20, await connection.ExecuteScalarAsync<long>("SELECT length(content) FROM entries"));
    }

    /// <summary>The WAL header's checkpoint sequence number (bytes 12-15, big-endian; sqlite.org/fileformat.html#walformat),
    /// which SQLite increments each time it starts the log over.</summary>
    private uint WalRestarts()
    {
        using var wal = new FileStream(DbPath + "-wal", FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> header = stackalloc byte[16];
        wal.ReadExactly(header);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(header[12..]);
    }

    private async Task<(Database Database, long FeedId)> DatabaseWithOneFeedAsync(CancellationToken ct, StorageProvider provider = StorageProvider.Sqlite)
    {
        var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x"), null, [])], DateTimeOffset.UtcNow, ct);
        return (database, Assert.Single(await feeds.GetAllAsync(ct)).Id);
    }

    private static EntryStore.EncodedEntry Encode(string id, string? content = null) =>
        EntryStore.Encode("id:" + id, new ParsedEntry { Id = id, Content = content }, DateTimeOffset.UtcNow, storeHtml: false);

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AFeedRemovedFromConfigIsDisabledButKeepsItsEntries(StorageProvider provider)
    {
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        var now = DateTimeOffset.UtcNow;
        await feeds.SyncAsync([
            new FeedDefinition("a", new Uri("https://example.com/a"), null, []),
            new FeedDefinition("b", new Uri("https://example.com/b"), null, []),
        ], now, TestContext.Current.CancellationToken);
        await feeds.SyncAsync([new FeedDefinition("a", new Uri("https://example.com/a"), null, [])], now, TestContext.Current.CancellationToken);
        var all = await feeds.GetAllAsync(TestContext.Current.CancellationToken);
        Assert.True(all.Single(f => f.Name == "a").Enabled);
        Assert.False(all.Single(f => f.Name == "b").Enabled);
        Assert.Single(await feeds.GetDueAsync(now, TestContext.Current.CancellationToken));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
