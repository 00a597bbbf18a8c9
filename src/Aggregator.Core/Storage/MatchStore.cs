using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The matches table: which rule matched which entry, and on which terms.</summary>
public sealed class MatchStore(Database database)
{
    private const string Insert = """
        INSERT INTO matches (entry_id, rule, terms, matched_at, duplicate_of, story_link, story_title, story_words)
        VALUES (@EntryId, @Rule, @Terms, @MatchedAt, @DuplicateOf, @StoryLink, @StoryTitle, @StoryWords)
        ON CONFLICT (entry_id, rule) DO NOTHING
        RETURNING id
        """;

    /// <returns>The match id, or null when this rule had already matched this entry.</returns>
    /// <param name="duplicateOf">The earlier match of the same story by this rule, when this one is a duplicate.</param>
    public Task<long?> InsertAsync(WriteScope write, long entryId, string rule, IReadOnlyList<string> terms, DateTimeOffset matchedAt,
        long? duplicateOf = null, string? storyLink = null, string? storyTitle = null, string? storyWords = null) =>
        write.Connection.QuerySingleOrDefaultAsync<long?>(Insert, new
        {
            EntryId = entryId,
            Rule = rule,
            Terms = new JsonText(JsonSerializer.Serialize(terms)),
            MatchedAt = matchedAt,
            DuplicateOf = duplicateOf,
            StoryLink = write.Text(storyLink),
            StoryTitle = write.Text(storyTitle),
            StoryWords = write.Text(storyWords),
        }, write.Transaction);

    private const string SelectEarlierStory = """
        SELECT id, found_by, story_words FROM (
            SELECT id, 'link' AS found_by, story_words FROM matches
            WHERE rule = @Rule AND story_link = @StoryLink AND duplicate_of IS NULL AND entry_id <> @EntryId
            UNION ALL
            SELECT id, 'title' AS found_by, story_words FROM matches WHERE rule = @Rule AND story_title = @StoryTitle AND matched_at >= @TitleSince
                AND duplicate_of IS NULL AND entry_id <> @EntryId) AS earlier
        ORDER BY id
        LIMIT 50
        """;

    /// <summary>The first matches by this rule of the same story, oldest first: the same canonical link ever, or the
    /// same title since <paramref name="titleSince"/> (titles repeat across years: "Weekly briefing"); each says
    /// whether its link matched and carries its stored story words, so that the caller can let a first sentence
    /// veto a title (<see cref="Refreshing.StorySimilarity.LeadsDisagree"/>).</summary>
    public async Task<IReadOnlyList<(long Id, bool ByLink, string? Words)>> FindSameStoryAsync(WriteScope write, string rule,
        long entryId, string? storyLink, string? storyTitle, DateTimeOffset titleSince) =>
        storyLink is null && storyTitle is null
            ? []
            : (await write.Connection.QueryAsync<(long Id, string FoundBy, string? Words)>(SelectEarlierStory, new
            {
                Rule = rule,
                EntryId = entryId,
                StoryLink = write.Text(storyLink),
                StoryTitle = write.Text(storyTitle),
                TitleSince = titleSince,
            }, write.Transaction)).Select(r => (r.Id, r.FoundBy == "link", r.Words)).ToList();

    private const string SelectRecentStories = """
        SELECT id, story_words FROM matches
        WHERE rule = @Rule AND duplicate_of IS NULL AND story_words IS NOT NULL AND matched_at >= @Since AND entry_id <> @EntryId
        ORDER BY matched_at DESC
        LIMIT @Limit
        """;

    /// <summary>The candidates for a near-duplicate of a story: this rule's matches that alerted (not duplicates)
    /// since <paramref name="since"/>, newest first, at most <paramref name="limit"/>, each with its stored title words.</summary>
    public async Task<IReadOnlyList<(long Id, string Words)>> RecentStoriesAsync(WriteScope write, string rule, long entryId,
        DateTimeOffset since, int limit) =>
        (await write.Connection.QueryAsync<(long, string)>(SelectRecentStories,
            new { Rule = rule, EntryId = entryId, Since = since, Limit = limit }, write.Transaction)).AsList();

    private const string SelectStorySources = """
        SELECT COALESCE(m.duplicate_of, m.id) AS story, f.name AS feed, e.title
        FROM matches m JOIN entries e ON e.id = m.entry_id JOIN feeds f ON f.id = e.feed_id
        WHERE m.id IN @Stories OR m.duplicate_of IN @Stories
        ORDER BY m.id
        """;

    // Npgsql takes the list as one array parameter, which IN does not.
    private const string SelectStorySourcesPostgres = """
        SELECT COALESCE(m.duplicate_of, m.id) AS story, f.name AS feed, e.title
        FROM matches m JOIN entries e ON e.id = m.entry_id JOIN feeds f ON f.id = e.feed_id
        WHERE m.id = ANY(@Stories) OR m.duplicate_of = ANY(@Stories)
        ORDER BY m.id
        """;

    /// <summary>Per story (the id of the match that alerted on it): its title as alerted, and the feeds it was seen in,
    /// the alerting one first (the duplicates' ids are all higher).</summary>
    public static async Task<IReadOnlyDictionary<long, StorySources>> StorySourcesAsync(System.Data.Common.DbConnection connection,
        IReadOnlyCollection<long> stories, System.Data.Common.DbTransaction? transaction = null)
    {
        if (stories.Count == 0) return new Dictionary<long, StorySources>();
        var sql = connection is Npgsql.NpgsqlConnection ? SelectStorySourcesPostgres : SelectStorySources;
        var rows = await connection.QueryAsync<(long Story, string Feed, string? Title)>(sql, new { Stories = stories.ToArray() }, transaction);
        return rows.GroupBy(r => r.Story).ToDictionary(g => g.Key,
            g => new StorySources(g.First().Title, [.. g.Select(r => r.Feed).Distinct(StringComparer.OrdinalIgnoreCase)]));
    }

    private const string SelectEntryStories = """
        SELECT entry_id, COALESCE(duplicate_of, id) AS story, duplicate_of FROM matches WHERE rule = @Rule AND entry_id IN @Entries
        """;

    private const string SelectEntryStoriesPostgres = """
        SELECT entry_id, COALESCE(duplicate_of, id) AS story, duplicate_of FROM matches WHERE rule = @Rule AND entry_id = ANY(@Entries)
        """;

    /// <summary>For entries a rule matched, the story each belongs to: whether its match was a duplicate, and every
    /// feed the story was seen in, the alerting one first (`rules test`). Entries the rule never matched are left out.</summary>
    public async Task<IReadOnlyDictionary<long, (bool Duplicate, StorySources Story)>> StoriesOfEntriesAsync(string rule,
        IReadOnlyCollection<long> entryIds, CancellationToken cancellationToken = default)
    {
        if (entryIds.Count == 0) return new Dictionary<long, (bool, StorySources)>();
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = database.Provider == StorageProvider.Postgres ? SelectEntryStoriesPostgres : SelectEntryStories;
        var rows = (await connection.QueryAsync<(long EntryId, long Story, long? DuplicateOf)>(sql, new { Rule = rule, Entries = entryIds.ToArray() })).AsList();
        var sources = await StorySourcesAsync(connection, rows.Select(r => r.Story).Distinct().ToList());
        return rows.Where(r => sources.ContainsKey(r.Story)).ToDictionary(r => r.EntryId, r => (r.DuplicateOf is not null, sources[r.Story]));
    }

    private const string SelectRecent = """
        SELECT m.id, m.rule, m.matched_at, m.duplicate_of, m.entry_id, f.name AS feed, e.title, e.link, e.fetched_at,
               (SELECT count(*) FROM outbox o WHERE o.match_id = m.id) AS deliveries,
               (SELECT count(*) FROM outbox o WHERE o.match_id = m.id AND o.status = 'delivered') AS delivered,
               (SELECT count(*) FROM outbox o WHERE o.match_id = m.id AND o.status = 'dead') AS dead
        FROM matches m JOIN entries e ON e.id = m.entry_id JOIN feeds f ON f.id = e.feed_id
        WHERE (@Rule IS NULL OR m.rule = @Rule) AND m.matched_at >= @Since
        ORDER BY m.matched_at DESC, m.id DESC
        LIMIT @Limit
        """;

    /// <summary>Recent matches, newest first, each with the feeds its story was seen in (`aggregator matches`).</summary>
    public async Task<IReadOnlyList<MatchRow>> ListAsync(string? rule, DateTimeOffset since, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<MatchRow>(SelectRecent, new { Rule = rule, Since = since, Limit = limit })).AsList();
        var sources = await StorySourcesAsync(connection, rows.Select(r => r.Story).Distinct().ToList());
        foreach (var row in rows) row.StoryFeeds = sources.TryGetValue(row.Story, out var story) ? story.Feeds : [row.Feed];
        return rows;
    }

    /// <summary>Held from here to the end of the transaction, on PostgreSQL, by a transaction about to look for the same
    /// story: two transactions (two feeds, two nodes) storing the same story at once would each find no earlier
    /// match in the other's uncommitted rows and both alert. Only transactions that record a match take it, so the
    /// many that store entries and match nothing still run side by side. On SQLite the single writer already
    /// serialises them.</summary>
    public static async ValueTask LockStoriesAsync(WriteScope write)
    {
        if (write.Provider != StorageProvider.Postgres) return;
        await write.Connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@Lock)", new { Lock = StoryLock }, write.Transaction);
    }

    private const long StoryLock = AdvisoryLocks.Stories;
}
