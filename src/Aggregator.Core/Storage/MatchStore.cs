using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The matches table: which rule matched which entry, and on which terms.</summary>
public sealed class MatchStore
{
    private const string Insert = """
        INSERT INTO matches (entry_id, rule, terms, matched_at, duplicate_of, story_link, story_title)
        VALUES (@EntryId, @Rule, @Terms, @MatchedAt, @DuplicateOf, @StoryLink, @StoryTitle)
        ON CONFLICT (entry_id, rule) DO NOTHING
        RETURNING id
        """;

    /// <returns>The match id, or null when this rule had already matched this entry.</returns>
    /// <param name="duplicateOf">The earlier match of the same story by this rule, when this one is a duplicate.</param>
    public Task<long?> InsertAsync(WriteScope write, long entryId, string rule, IReadOnlyList<string> terms, DateTimeOffset matchedAt,
        long? duplicateOf = null, string? storyLink = null, string? storyTitle = null) =>
        write.Connection.QuerySingleOrDefaultAsync<long?>(Insert, new
        {
            EntryId = entryId,
            Rule = rule,
            Terms = new JsonText(JsonSerializer.Serialize(terms)),
            MatchedAt = matchedAt,
            DuplicateOf = duplicateOf,
            StoryLink = Clean(write, storyLink),
            StoryTitle = Clean(write, storyTitle),
        }, write.Transaction);

    private static string? Clean(WriteScope write, string? text) => write.Provider == StorageProvider.Postgres ? PostgresText.Clean(text) : text;

    private const string SelectEarlierStory = """
        SELECT id FROM (
            SELECT id FROM matches WHERE rule = @Rule AND story_link = @StoryLink AND duplicate_of IS NULL AND entry_id <> @EntryId
            UNION ALL
            SELECT id FROM matches WHERE rule = @Rule AND story_title = @StoryTitle AND matched_at >= @TitleSince
                AND duplicate_of IS NULL AND entry_id <> @EntryId) AS earlier
        ORDER BY id
        LIMIT 1
        """;

    /// <summary>The first match by this rule of the same story: the same canonical link ever, or the same
    /// title since <paramref name="titleSince"/> (titles repeat across years: "Weekly briefing").</summary>
    public Task<long?> FindSameStoryAsync(WriteScope write, string rule, long entryId, string? storyLink, string? storyTitle, DateTimeOffset titleSince) =>
        storyLink is null && storyTitle is null
            ? Task.FromResult<long?>(null)
            : write.Connection.QuerySingleOrDefaultAsync<long?>(SelectEarlierStory, new
            {
                Rule = rule,
                EntryId = entryId,
                StoryLink = Clean(write, storyLink),
                StoryTitle = Clean(write, storyTitle),
                TitleSince = titleSince,
            }, write.Transaction);

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

    private const long StoryLock = 0x61676772_00000002;
}
