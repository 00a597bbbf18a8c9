using Aggregator.Parsing;
using Aggregator.Refreshing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;

namespace Aggregator.Tests.Storage;

/// <summary>The store logic of updated entries and of near-duplicate stories, on both engines: what the pipeline
/// relies on to match a changed entry again and to find a reworded story among a rule's recent alerts.</summary>
public sealed class StoredEntryUpdateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-update-").FullName;
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    private static async Task<long> FeedAsync(Database database, string name = "Alpha")
    {
        var feeds = new FeedStore(database);
        await feeds.SyncAsync([new FeedDefinition(name, new Uri($"https://example.com/{name}.xml"), null, [])], Now, TestContext.Current.CancellationToken);
        return (await feeds.GetAllAsync(TestContext.Current.CancellationToken)).Single(f => f.Name == name).Id;
    }

    private static async Task<EntryStore.StoredEntry?> StoreAsync(Database database, long feedId, ParsedEntry entry, DateTimeOffset at)
    {
        await using var write = await database.BeginWriteAsync(TestContext.Current.CancellationToken);
        var stored = await EntryStore.StoreAsync(write, feedId, EntryStore.Encode("id:" + entry.Id, entry, at, storeHtml: false, utf8: database.Provider == StorageProvider.Sqlite));
        await write.CommitAsync(TestContext.Current.CancellationToken);
        return stored;
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task AChangedTitleOrTextUpdatesTheRowAndKeepsWhenItWasFirstSeenWhileADateAloneChangesNothing(StorageProvider provider)
    {
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var feedId = await FeedAsync(database);
        var entry = new ParsedEntry { Id = "1", Title = "Fire at harbour", Summary = "A fire broke out.", Published = Now };

        var first = await StoreAsync(database, feedId, entry, Now);
        Assert.Equal(0, first!.Revision);
        Assert.Null(await StoreAsync(database, feedId, entry, Now.AddMinutes(10)));
        Assert.Null(await StoreAsync(database, feedId, entry with { Published = Now.AddHours(1), Updated = Now.AddHours(1) }, Now.AddMinutes(20)));

        var retitled = await StoreAsync(database, feedId, entry with { Title = "Fire at Sevastopol harbour" }, Now.AddMinutes(30));
        Assert.Equal(new EntryStore.StoredEntry(first.Id, 1), retitled);
        var resummarised = await StoreAsync(database, feedId, entry with { Title = "Fire at Sevastopol harbour", Summary = "Two ships burn." }, Now.AddMinutes(40));
        Assert.Equal(new EntryStore.StoredEntry(first.Id, 2), resummarised);

        await using var connection = await database.OpenAsync(TestContext.Current.CancellationToken);
        var row = await connection.QuerySingleAsync<(string Title, string Summary, DateTimeOffset FetchedAt, DateTimeOffset RevisedAt, long Revision, DateTimeOffset PublishedAt)>(
            "SELECT title, summary, fetched_at, revised_at, revision, published_at FROM entries");
        Assert.Equal(("Fire at Sevastopol harbour", "Two ships burn.", Now, Now.AddMinutes(40), 2L), (row.Title, row.Summary, row.FetchedAt, row.RevisedAt, row.Revision));
        Assert.Equal(Now, row.PublishedAt); // the date-only change was not written
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM entries"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task NearDuplicateCandidatesAreTheRulesAlertedMatchesWithinTheWindowNewestFirst(StorageProvider provider)
    {
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var alpha = await FeedAsync(database);
        var beta = await FeedAsync(database, "Beta");
        var matches = new MatchStore(database);
        var ct = TestContext.Current.CancellationToken;
        long old, alerted, duplicate, otherRule, newEntry;
        await using (var write = await database.BeginWriteAsync(ct))
        {
            async Task<long> Entry(long feed, string id, string title) =>
                (await EntryStore.InsertAsync(write, feed, EntryStore.Encode("id:" + id, new ParsedEntry { Id = id, Title = title }, Now, false, provider == StorageProvider.Sqlite)))!.Value;
            string Words(string title) => StorySimilarity.Of(title).Stored;
            old = (await matches.InsertAsync(write, await Entry(alpha, "old", "Harbour fire in Sevastopol"), "fire", [], Now.AddDays(-4), storyWords: Words("Harbour fire in Sevastopol")))!.Value;
            alerted = (await matches.InsertAsync(write, await Entry(alpha, "a", "Sevastopol harbour fire"), "fire", [], Now.AddHours(-2), storyWords: Words("Sevastopol harbour fire")))!.Value;
            duplicate = (await matches.InsertAsync(write, await Entry(beta, "b", "Sevastopol harbour fire, officials say"), "fire", [], Now.AddHours(-1), alerted, storyWords: Words("Sevastopol harbour fire, officials say")))!.Value;
            otherRule = (await matches.InsertAsync(write, await Entry(beta, "c", "Sevastopol harbour fire spreads"), "ships", [], Now.AddHours(-1), storyWords: Words("Sevastopol harbour fire spreads")))!.Value;
            newEntry = await Entry(beta, "d", "Fire hits Sevastopol harbour");
            var candidates = await matches.RecentStoriesAsync(write, "fire", newEntry, Now.AddDays(-3), 500);
            var (id, stored) = Assert.Single(candidates);
            Assert.Equal(alerted, id);
            Assert.True(StorySimilarity.Same(StorySimilarity.Of("Fire hits Sevastopol harbour"), StorySimilarity.Text.FromStored(stored)));
            Assert.Equal(2, (await matches.RecentStoriesAsync(write, "fire", newEntry, Now.AddDays(-5), 500)).Count);
            Assert.Equal([alerted], (await matches.RecentStoriesAsync(write, "fire", newEntry, Now.AddDays(-5), 1)).Select(c => c.Id));

            var sources = await MatchStore.StorySourcesAsync(write.Connection, [alerted], write.Transaction);
            Assert.Equal("Sevastopol harbour fire", sources[alerted].Title);
            Assert.Equal(["Alpha", "Beta"], sources[alerted].Feeds);
            await write.CommitAsync(ct);
        }
        _ = (old, duplicate, otherRule);

        var listed = await matches.ListAsync("fire", Now.AddDays(-3), 10, ct);
        Assert.Equal(["b duplicate Alpha", "a none Beta"], listed.Select(m => $"{(m.Title == "Sevastopol harbour fire" ? "a" : "b")} {m.State} {string.Join(",", m.AlsoIn)}"));
    }

    [Fact]
    public void ATitleReadBackFromItsStoredFormComparesAsTheTitleItself()
    {
        string[] titles = ["Explosion hits Beirut port, 3 killed", "Beirut port rocked by explosion; three dead", "Explosion hits Odesa port", "Ukraine's grain deal not renewed"];
        foreach (var a in titles)
        foreach (var b in titles)
        {
            var fresh = StorySimilarity.Same(StorySimilarity.Of(a), StorySimilarity.Of(b));
            Assert.Equal(fresh, StorySimilarity.Same(StorySimilarity.Of(a), StorySimilarity.Text.FromStored(StorySimilarity.Of(b).Stored)));
            Assert.Equal(StorySimilarity.Similarity(StorySimilarity.Of(a), StorySimilarity.Of(b)),
                StorySimilarity.Similarity(StorySimilarity.Of(a), StorySimilarity.Text.FromStored(StorySimilarity.Of(b).Stored)));
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_directory, true); } catch (IOException) { }
    }
}
