using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The matches table: which rule matched which entry, and on which terms.</summary>
public sealed class MatchStore
{
    private const string Insert = """
        INSERT INTO matches (entry_id, rule, terms, matched_at)
        VALUES (@EntryId, @Rule, @Terms, @MatchedAt)
        ON CONFLICT (entry_id, rule) DO NOTHING
        RETURNING id
        """;

    /// <returns>The match id, or null when this rule had already matched this entry.</returns>
    public Task<long?> InsertAsync(WriteScope write, long entryId, string rule, IReadOnlyList<string> terms, DateTimeOffset matchedAt) =>
        write.Connection.QuerySingleOrDefaultAsync<long?>(Insert, new
        {
            EntryId = entryId,
            Rule = rule,
            Terms = JsonSerializer.Serialize(terms),
            MatchedAt = Iso.ToText(matchedAt),
        }, write.Transaction);
}
