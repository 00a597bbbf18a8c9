using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The matches table: which rule matched which entry, and on which terms.</summary>
public sealed class MatchStore
{
    private const string Insert = """
        INSERT INTO matches (entry_id, rule, terms, matched_at, duplicate_of)
        VALUES (@EntryId, @Rule, @Terms, @MatchedAt, @DuplicateOf)
        ON CONFLICT (entry_id, rule) DO NOTHING
        RETURNING id
        """;

    /// <returns>The match id, or null when this rule had already matched this entry.</returns>
    /// <param name="duplicateOf">The earlier match of the same story by this rule, when this one is a duplicate.</param>
    public Task<long?> InsertAsync(WriteScope write, long entryId, string rule, IReadOnlyList<string> terms, DateTimeOffset matchedAt, long? duplicateOf = null) =>
        write.Connection.QuerySingleOrDefaultAsync<long?>(Insert, new
        {
            EntryId = entryId,
            Rule = rule,
            Terms = JsonSerializer.Serialize(terms),
            MatchedAt = Iso.ToText(matchedAt),
            DuplicateOf = duplicateOf,
        }, write.Transaction);

    private const string SelectEarlierStory = """
        SELECT m.id FROM matches m JOIN entries e ON e.id = m.entry_id
        WHERE m.rule = @Rule AND m.duplicate_of IS NULL AND m.entry_id <> @EntryId
          AND ((@StoryLink IS NOT NULL AND e.story_link = @StoryLink)
            OR (@StoryTitle IS NOT NULL AND e.story_title = @StoryTitle AND m.matched_at >= @TitleSince))
        ORDER BY m.id
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
                StoryLink = storyLink,
                StoryTitle = storyTitle,
                TitleSince = Iso.ToText(titleSince),
            }, write.Transaction);
}
