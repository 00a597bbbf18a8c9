using Aggregator.Parsing;
using Aggregator.Rules;
using Aggregator.Storage;
using Aggregator.Tests.Support;

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
        string[] vocabulary = ["iran", "russia", "hezbollah", "sanctions", "café", "Gaza", "oil", "red", "sea", "talks", "deal", "it's", "F-35", "u.s."];
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
        Assert.Equal(400, await entries.UpdateSearchIndexAsync(TestContext.Current.CancellationToken));
        Assert.Equal(0, await entries.UpdateSearchIndexAsync(TestContext.Current.CancellationToken));

        string[] queries = ["iran", "iran AND russia", "cafe", "CAFÉ OR gaza", "\"red sea\"", "f-35", "u.s. -oil", "(iran OR deal) talks", "title:iran", "sanctions NEAR/2 oil", "it"];
        foreach (var text in queries)
        {
            var query = Query.Parse(text);
            var words = Assert.IsAssignableFrom<IReadOnlySet<string>>(query.RequiredTextWords);
            var scanned = new List<long>();
            await foreach (var row in entries.ScanAsync(null, null, cancellationToken: TestContext.Current.CancellationToken))
                if (query.Match(row.ToMatchDocument()) is not null) scanned.Add(row.Id);
            var indexed = new List<long>();
            await foreach (var row in entries.ScanContainingAnyAsync(words, null, null, TestContext.Current.CancellationToken))
                if (query.Match(row.ToMatchDocument()) is not null) indexed.Add(row.Id);
            Assert.True(scanned.SequenceEqual(indexed), $"query {text}: scan {scanned.Count}, index {indexed.Count}");
            Assert.NotEmpty(scanned);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
