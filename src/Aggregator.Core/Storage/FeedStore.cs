using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The feeds table: what config/feeds.json says, and each feed's fetch state.</summary>
public sealed class FeedStore(Database database)
{
    private const string Upsert = """
        INSERT INTO feeds (name, url, config_url, tags, interval_seconds, enabled, next_check_at, created_at)
        VALUES (@Name, @Url, @Url, @Tags, @IntervalSeconds, 1, @Now, @Now)
        ON CONFLICT (name) DO UPDATE SET
            -- a URL the feed moved to (301/308) stands until feeds.json names a different one
            url = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.url ELSE excluded.url END,
            config_url = excluded.config_url,
            tags = excluded.tags,
            interval_seconds = excluded.interval_seconds,
            enabled = 1,
            -- validators belong to the old URL
            etag = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.etag END,
            last_modified = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.last_modified END,
            next_check_at = CASE WHEN feeds.config_url = excluded.config_url AND feeds.enabled = 1 THEN feeds.next_check_at ELSE excluded.next_check_at END,
            -- a new URL for a gone feed is worth trying
            gone_at = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.gone_at END,
            -- so is one for a feed whose server asked us to wait
            retry_after = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.retry_after END
        """;

    private const string DisableMissing = """
        UPDATE feeds SET enabled = 0
        WHERE enabled = 1 AND name NOT IN (SELECT value FROM json_each(@Names))
        """;

    /// <summary>Makes the table agree with feeds.json: new feeds are due now, removed ones are disabled (their entries stay).</summary>
    public async Task SyncAsync(IReadOnlyList<FeedDefinition> feeds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        var nowText = Iso.ToText(now);
        // Every command starts with this sync; with thousands of feeds, writing only what changed keeps it short.
        var stored = (await write.Connection.QueryAsync<(string Name, string ConfigUrl, string Tags, long? IntervalSeconds, long Enabled)>(
                "SELECT name, config_url, tags, interval_seconds, enabled FROM feeds", transaction: write.Transaction))
            .ToDictionary(row => row.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var feed in feeds)
        {
            var url = feed.Url.AbsoluteUri;
            var tags = JsonSerializer.Serialize(feed.Tags);
            var interval = (long?)feed.Interval?.TotalSeconds;
            if (stored.TryGetValue(feed.Name, out var known) && known.Enabled == 1 && known.ConfigUrl == url
                && known.Tags == tags && known.IntervalSeconds == interval) continue;
            var statement = write.Statement(Upsert); // 1,000 new feeds through Dapper: 80 ms, now 42
            statement.Bind("@Name", feed.Name);
            statement.Bind("@Url", url);
            statement.Bind("@Tags", tags);
            statement.Bind("@IntervalSeconds", interval);
            statement.Bind("@Now", nowText);
            statement.Run();
        }
        await write.Connection.ExecuteAsync(DisableMissing, new { Names = JsonSerializer.Serialize(feeds.Select(f => f.Name)) }, write.Transaction);
        await write.CommitAsync(cancellationToken);
    }

    private const string SelectDue = """
        SELECT * FROM feeds WHERE enabled = 1 AND gone_at IS NULL AND next_check_at <= @Now ORDER BY next_check_at, id
        """;

    public async Task<IReadOnlyList<FeedRow>> GetDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<FeedRow>(SelectDue, new { Now = Iso.ToText(now) })).AsList();
    }

    public async Task<IReadOnlyList<FeedRow>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<FeedRow>("SELECT * FROM feeds ORDER BY name")).AsList();
    }

    private const string UpdateAfterCheck = """
        UPDATE feeds SET
            last_checked_at = @CheckedAt,
            last_status = @Status,
            next_check_at = @NextCheckAt,
            last_success_at = CASE WHEN @Succeeded THEN @CheckedAt ELSE last_success_at END,
            last_error = CASE WHEN @Succeeded THEN NULL ELSE @Error END,
            error_count = CASE WHEN @Succeeded THEN 0 ELSE error_count + 1 END,
            gone_at = CASE WHEN @Gone THEN @CheckedAt END,
            retry_after = @RetryAfter,
            -- a 200 replaces the validators; a 304 or an error keeps them (RFC 9111 4.3.4: a 304 may omit them)
            etag = CASE WHEN @NewValidators THEN @Etag ELSE COALESCE(@Etag, etag) END,
            last_modified = CASE WHEN @NewValidators THEN @LastModified ELSE COALESCE(@LastModified, last_modified) END,
            url = COALESCE(@MovedTo, url),
            title = COALESCE(@Title, title),
            site_url = COALESCE(@SiteUrl, site_url),
            last_problems = CASE WHEN @SetProblems THEN @Problems ELSE last_problems END
        WHERE id = @FeedId
        """;

    /// <summary>Longest error or problem text kept: one sentence naming the thing and the fix, not a 9 MB document
    /// echoed back by an XML error (the log has the full detail once).</summary>
    public const int MaxErrorLength = 300;

    private const int MaxProblems = 10;

    /// <summary>Writes a poll's outcome inside the caller's transaction, beside the entries it stored.</summary>
    public static void RecordCheck(WriteScope write, FeedCheck check)
    {
        var statement = write.Statement(UpdateAfterCheck);
        statement.Bind("@FeedId", check.FeedId);
        statement.Bind("@CheckedAt", Iso.ToText(check.CheckedAt));
        statement.Bind("@NextCheckAt", Iso.ToText(check.NextCheckAt));
        statement.Bind("@Succeeded", check.Succeeded);
        statement.Bind("@Status", check.Status);
        statement.Bind("@Error", Bounded(check.Error));
        statement.Bind("@Gone", check.Gone);
        statement.Bind("@RetryAfter", Iso.ToText(check.RetryAfter));
        statement.Bind("@Etag", check.Etag);
        statement.Bind("@LastModified", check.LastModified);
        statement.Bind("@NewValidators", check.NewValidators);
        statement.Bind("@MovedTo", check.MovedTo?.AbsoluteUri);
        statement.Bind("@Title", check.Title);
        statement.Bind("@SiteUrl", check.SiteUrl);
        statement.Bind("@SetProblems", check.Problems is not null);
        statement.Bind("@Problems", check.Problems is { Count: > 0 } problems
            ? JsonSerializer.Serialize(problems.Take(MaxProblems).Select(Bounded))
            : null);
        statement.Run();
    }

    /// <summary>One line, at most <see cref="MaxErrorLength"/> characters.</summary>
    public static string? Bounded(string? text)
    {
        var line = Parsing.HtmlText.Collapse(text);
        if (line is not { Length: > MaxErrorLength }) return line;
        var cut = char.IsHighSurrogate(line[MaxErrorLength - 2]) ? MaxErrorLength - 2 : MaxErrorLength - 1;
        return string.Concat(line.AsSpan(0, cut), "…");
    }
}
