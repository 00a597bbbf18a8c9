using System.Diagnostics;
using Aggregator.Parsing;
using Aggregator.Refreshing;
using Aggregator.Storage;

// What finding a near-duplicate costs a match (FeedRefresher.FindSimilarStoryAsync): read the rule's alerted stories of
// the window (at most 500) and compare the new headline with each. Synthetic headlines of 6 to 12 words from a news
// vocabulary, a third of them capitalised names; no candidate is the same story, so every comparison runs to the end
// (the worst case: a match that is a duplicate stops nothing early either, all candidates are compared for the best).
//   1. CPU only: fold the new headline once, then read back and compare N stored candidates.
//   2. Through SQLite, as the pipeline does it: the candidate query in a write transaction, then the comparisons.
var candidateCount = args.Length > 0 ? int.Parse(args[0]) : 500;
var matchCount = args.Length > 1 ? int.Parse(args[1]) : 2000;
var random = new Random(1);
var words = Enumerable.Range(0, 3000).Select(i => Word(i)).ToArray();
var names = Enumerable.Range(0, 600).Select(i => char.ToUpperInvariant(Word(i + 7000)[0]) + Word(i + 7000)[1..]).ToArray();
string Headline() => string.Join(' ', Enumerable.Range(0, random.Next(6, 13))
    .Select(_ => random.Next(3) == 0 ? names[random.Next(names.Length)] : words[(int)(Math.Pow(random.NextDouble(), 2) * words.Length)]));
var candidates = Enumerable.Range(0, candidateCount).Select(_ => StorySimilarity.Of(Headline()).Stored).ToArray();
var incoming = Enumerable.Range(0, matchCount).Select(_ => Headline()).ToArray();

// 1. CPU only.
var same = 0;
Measure($"compare: fold 1 headline + read back and compare {candidateCount} candidates", () =>
{
    foreach (var title in incoming)
    {
        var text = StorySimilarity.Of(title);
        foreach (var stored in candidates)
            if (StorySimilarity.Same(text, StorySimilarity.Text.FromStored(stored))) same++;
    }
    return Task.CompletedTask;
});

// 2. Through SQLite: the query of the candidates, then the comparisons, in a write transaction rolled back.
var directory = Directory.CreateTempSubdirectory("story-bench-").FullName;
try
{
    var database = new SqliteDatabase(Path.Combine(directory, "bench.db"));
    await database.MigrateAsync();
    var feeds = new FeedStore(database);
    var now = DateTimeOffset.UtcNow;
    await feeds.SyncAsync([new FeedDefinition("bench", new Uri("https://example.com/feed.xml"), null, [])], now);
    var feedId = (await feeds.GetAllAsync()).Single().Id;
    var matches = new MatchStore(database);
    await using (var write = await database.BeginWriteAsync())
    {
        for (var i = 0; i < candidateCount * 4; i++)
        {
            var entryId = (await EntryStore.InsertAsync(write, feedId, EntryStore.Encode("id:" + i, new ParsedEntry { Id = i.ToString(), Title = "t" + i }, now, false)))!.Value;
            // Three rules share the table; this one's candidates are spread over the window.
            var rule = i % 4 == 0 ? "bench" : "other" + i % 3;
            await matches.InsertAsync(write, entryId, rule, [], now.AddMinutes(-i), storyWords: candidates[i / 4]);
        }
        await write.CommitAsync();
    }
    Measure($"lookup: SQLite query of {candidateCount} candidates (of {candidateCount * 4} matches) + compare", async () =>
    {
        foreach (var title in incoming)
        {
            await using var write = await database.BeginWriteAsync();
            var text = StorySimilarity.Of(title);
            foreach (var (_, stored) in await matches.RecentStoriesAsync(write, "bench", -1, now.AddDays(-3), 500))
                if (StorySimilarity.Same(text, StorySimilarity.Text.FromStored(stored))) same++;
        }
    });
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    Directory.Delete(directory, true);
}
Console.WriteLine($"(same-story verdicts among random headlines: {same}; expected about 0)");

void Measure(string what, Func<Task> run)
{
    run().GetAwaiter().GetResult(); // warm-up: JIT and tiering
    var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
    var stopwatch = Stopwatch.StartNew();
    run().GetAwaiter().GetResult();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
    Console.WriteLine($"{what}: {stopwatch.Elapsed.TotalMicroseconds / matchCount:0} µs per match ({cpu.TotalMicroseconds / matchCount:0} µs of CPU), {matchCount} matches");
}

static string Word(int i)
{
    var chars = new List<char>();
    var n = i + 27;
    while (n > 0) { chars.Add((char)('a' + n % 26)); n /= 26; }
    return new string([.. chars]) + "e";
}
