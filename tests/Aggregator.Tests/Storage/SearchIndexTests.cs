using Aggregator.Parsing;
using Aggregator.Rules;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>The full-text index only narrows a search: with it or without it, the matcher finds the same entries.</summary>
public sealed class SearchIndexTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-fts-").FullName;

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task SearchingThroughTheIndexFindsExactlyWhatAFullScanFinds(StorageProvider provider)
    {
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x"), null, [])], DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
        var feed = (await feeds.GetAllAsync(TestContext.Current.CancellationToken))[0];
        var entries = new EntryStore(database);

        var random = new Random(7);
        string[] vocabulary = ["iran", "russia", "hezbollah", "sanctions", "café", "Gaza", "oil", "red", "sea", "talks", "deal", "it's", "F-35", "u.s.",
            "إيران", "وإيران", "لإيران", "الإيرانية", "ایران", "حزب", "الله", "لحزب", "Хезболла", "Хезболлы", "России", "می‌خواهم", "سوریه", "ΕΛΛΆΣ", "北京"];
        string Text(int n) => string.Join(random.Next(2) == 0 ? " " : ", ", Enumerable.Range(0, n).Select(_ => vocabulary[random.Next(vocabulary.Length)]));
        await using (var write = await database.BeginWriteAsync(TestContext.Current.CancellationToken))
        {
            for (var i = 0; i < 400; i++)
            {
                var entry = new ParsedEntry { Id = $"e{i}", Title = Text(random.Next(0, 5)), Summary = Text(random.Next(0, 10)), Content = random.Next(3) == 0 ? Text(20) : null };
                await EntryStore.InsertAsync(write, feed.Id, EntryStore.Encode($"id:e{i}", entry, DateTimeOffset.UtcNow, storeHtml: false));
            }
            await write.CommitAsync(TestContext.Current.CancellationToken);
        }
        Assert.Equal(400, await new SearchIndex(database).UpdateAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await new SearchIndex(database).UpdateAsync(TestContext.Current.CancellationToken));

        string[] queries = ["iran", "iran AND russia", "cafe", "CAFÉ OR gaza", "\"red sea\"", "f-35", "u.s. -oil", "(iran OR deal) talks", "title:iran", "sanctions NEAR/2 oil", "it",
            "إيران", "ايران", "إيران*", "\"حزب الله\"", "Хезболл*", "@hezbollah", "@hezbollah -russia", "iran*", "москв* OR россии", "میخواهم", "سورية", "ελλασ", "京"];
        var lists = new TermLists([new("hezbollah", ["Hezbollah", "Хезболл*", "حزب الله"])]);
        foreach (var text in queries)
        {
            var query = Query.Parse(text, lists);
            var words = Assert.IsAssignableFrom<IReadOnlySet<string>>(query.RequiredTextWords);
            var scanned = new List<long>();
            await foreach (var row in entries.ScanAsync(null, null, cancellationToken: TestContext.Current.CancellationToken))
                if (query.Match(row.ToMatchDocument()) is not null) scanned.Add(row.Id);
            var indexed = new List<long>();
            await foreach (var row in entries.ScanContainingAnyAsync(words, null, null, TestContext.Current.CancellationToken))
                if (query.Match(row.ToMatchDocument()) is not null) indexed.Add(row.Id);
            Assert.True(scanned.SequenceEqual(indexed), $"query {text}: scan {scanned.Count}, index {indexed.Count}");
            Assert.True(scanned.Count > 0, $"query {text} finds nothing: the test data should hold it");
        }
    }

    [Fact]
    public async Task AnUpgradeFromTheUnicode61IndexReindexesEveryEntryWithOurWordsAndKeepsItsLanguage()
    {
        var path = Path.Combine(_directory, "old.db");
        // A database as version 5 left it: entries already in the old unicode61 index.
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync(TestContext.Current.CancellationToken);
            var assembly = typeof(Database).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".Migrations.000", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Take(5))
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                await old.ExecuteAsync(await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
            }
            await old.ExecuteAsync("""
                PRAGMA user_version = 5;
                INSERT INTO feeds (name, url, config_url, next_check_at, created_at) VALUES ('x', 'https://example.com/', 'https://example.com/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                INSERT INTO entries (feed_id, entry_key, title, fetched_at) VALUES (1, 'a', 'محادثات بين روسيا وإيران', '2026-01-01T00:00:00Z'), (1, 'b', 'Iran talks', '2026-01-01T00:00:00Z');
                INSERT INTO entries_fts (rowid, title, summary, content) SELECT id, title, summary, content FROM entries;
                UPDATE search_index SET last_entry_id = 2;
                """);
        }

        var database = new SqliteDatabase(path);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        var entries = new EntryStore(database);
        Assert.Equal(2, await new SearchIndex(database).UpdateAsync(TestContext.Current.CancellationToken));

        var found = new List<string?>();
        await foreach (var row in entries.ScanContainingAnyAsync(Query.Parse("إيران").RequiredTextWords!, null, null, TestContext.Current.CancellationToken))
            found.Add(row.Title);
        Assert.Equal(["محادثات بين روسيا وإيران"], found);

        await using (var write = await database.BeginWriteAsync(TestContext.Current.CancellationToken))
        {
            await EntryStore.InsertAsync(write, 1, EntryStore.Encode("c", new ParsedEntry { Title = "Новости", Language = "ru-RU" }, DateTimeOffset.UtcNow, storeHtml: false));
            await write.CommitAsync(TestContext.Current.CancellationToken);
        }
        var languages = new List<(string? Title, bool Russian)>();
        await foreach (var row in entries.ScanAsync(null, null, cancellationToken: TestContext.Current.CancellationToken))
            languages.Add((row.Title, Query.Parse("lang:ru").Match(row.ToMatchDocument()) is not null));
        Assert.Contains(("Новости", true), languages);
        Assert.Contains(("Iran talks", false), languages);
    }

    private static async Task<EntryStore.StoredEntry?> StoreAsync(Database database, long feedId, string id, string title)
    {
        await using var write = await database.BeginWriteAsync(TestContext.Current.CancellationToken);
        var stored = await EntryStore.StoreAsync(write, feedId, EntryStore.Encode("id:" + id, new ParsedEntry { Id = id, Title = title },
            new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), storeHtml: false, utf8: database.Provider == StorageProvider.Sqlite));
        await write.CommitAsync(TestContext.Current.CancellationToken);
        return stored;
    }

    /// <summary>The titles of the entries the index offers as candidates for one word.</summary>
    private static async Task<List<string?>> CandidatesAsync(EntryStore entries, string word)
    {
        var found = new List<string?>();
        await foreach (var row in entries.ScanContainingAnyAsync(new HashSet<string> { word }, null, null, TestContext.Current.CancellationToken))
            found.Add(row.Title);
        return found;
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AnEntryItsFeedChangedIsFoundByWhatItSaysNowNotByWhatItSaidBefore(StorageProvider provider)
    {
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var feeds = new FeedStore(database);
        await feeds.SyncAsync([new FeedDefinition("x", new Uri("https://example.com/x"), null, [])], DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
        var feed = (await feeds.GetAllAsync(TestContext.Current.CancellationToken))[0].Id;
        var entries = new EntryStore(database);

        await StoreAsync(database, feed, "1", "Fire at harbour");
        await StoreAsync(database, feed, "2", "Storm in Odessa");
        Assert.Equal(2, await new SearchIndex(database).UpdateAsync(TestContext.Current.CancellationToken));
        // Changed after it was indexed, and (entry 3) before.
        Assert.Equal(1, (await StoreAsync(database, feed, "1", "Blast at Sevastopol port"))!.Revision);
        Assert.Equal(2, (await StoreAsync(database, feed, "1", "Blast at Sevastopol harbour"))!.Revision);
        await StoreAsync(database, feed, "3", "Quiet day");
        Assert.Equal(1, (await StoreAsync(database, feed, "3", "Drone strike near Kherson"))!.Revision);
        await new SearchIndex(database).UpdateAsync(TestContext.Current.CancellationToken);

        Assert.Equal(["Blast at Sevastopol harbour"], await CandidatesAsync(entries, "sevastopol"));
        Assert.Equal(["Blast at Sevastopol harbour"], await CandidatesAsync(entries, "harbour"));
        Assert.Empty(await CandidatesAsync(entries, "fire"));
        Assert.Empty(await CandidatesAsync(entries, "port"));
        Assert.Equal(["Drone strike near Kherson"], await CandidatesAsync(entries, "kherson"));
        Assert.Empty(await CandidatesAsync(entries, "quiet"));
        Assert.Equal(["Storm in Odessa"], await CandidatesAsync(entries, "odessa"));
        if (provider != StorageProvider.Sqlite) return;

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries_revised"));
        // Changed by hand with sqlite3: the next search mends the index from the text the trigger kept.
        await connection.ExecuteAsync("UPDATE entries SET title = 'Ceasefire talks in Doha' WHERE title = 'Storm in Odessa'");
        Assert.Equal(0, await new SearchIndex(database).UpdateAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["Ceasefire talks in Doha"], await CandidatesAsync(entries, "doha"));
        Assert.Empty(await CandidatesAsync(entries, "odessa"));

        // Retention takes each entry's words out of the index with the words it holds: none is left behind.
        var retention = new Retention(database, Microsoft.Extensions.Options.Options.Create(new RetentionOptions { KeepEntries = TimeSpan.FromDays(1) }));
        Assert.Equal(3, await retention.RunAsync(DateTimeOffset.UtcNow.AddDays(30), cancellationToken: TestContext.Current.CancellationToken));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM entries_fts WHERE entries_fts MATCH '\"fire\" OR \"harbour\" OR \"sevastopol\" OR \"port\" OR \"quiet\" OR \"kherson\" OR \"odessa\" OR \"doha\"'"));
    }

    [Fact]
    public async Task AnUpgradeRebuildsAnIndexThatHeldTheFirstWordsOfEntriesChangedBeforeIt()
    {
        var path = Path.Combine(_directory, "v14.db");
        // A database as version 14 left it: an entry changed by its feed, indexed with its first title.
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
        {
            await old.OpenAsync(TestContext.Current.CancellationToken);
            var assembly = typeof(Database).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => System.Text.RegularExpressions.Regex.IsMatch(n, @"\.Migrations\.00(0\d|1[0-4])_")).Order(StringComparer.Ordinal))
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                await old.ExecuteAsync(await reader.ReadToEndAsync(TestContext.Current.CancellationToken));
            }
            await old.ExecuteAsync("""
                PRAGMA user_version = 14;
                INSERT INTO feeds (name, url, config_url, next_check_at, created_at) VALUES ('x', 'https://example.com/', 'https://example.com/', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z');
                INSERT INTO entries (feed_id, entry_key, title, fetched_at, revision) VALUES (1, 'a', 'Blast at Sevastopol harbour', '2026-01-01T00:00:00Z', 1);
                INSERT INTO entries_fts (rowid, words) VALUES (1, 'fire at harbour');
                UPDATE search_index SET last_entry_id = 1;
                """);
        }
        var database = new SqliteDatabase(path);
        await database.MigrateAsync(TestContext.Current.CancellationToken);
        var entries = new EntryStore(database);
        Assert.Equal(1, await new SearchIndex(database).UpdateAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["Blast at Sevastopol harbour"], await CandidatesAsync(entries, "sevastopol"));
        Assert.Empty(await CandidatesAsync(entries, "fire"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
