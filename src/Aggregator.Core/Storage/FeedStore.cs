using System.Text.Json;
using Dapper;

namespace Aggregator.Storage;

/// <summary>The feeds table: what config/feeds.json says, and each feed's fetch state.</summary>
public sealed class FeedStore(Database database)
{
    private const string Upsert = """
        INSERT INTO feeds (name, url, config_url, tags, interval_seconds, enabled, next_check_at, created_at)
        VALUES (@Name, @Url, @Url, @Tags, @IntervalSeconds, TRUE, @Now, @Now)
        ON CONFLICT (name) DO UPDATE SET
            -- a URL the feed moved to (301/308) stands until feeds.json names a different one
            url = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.url ELSE excluded.url END,
            config_url = excluded.config_url,
            tags = excluded.tags,
            interval_seconds = excluded.interval_seconds,
            enabled = TRUE,
            -- validators belong to the old URL
            etag = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.etag END,
            last_modified = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.last_modified END,
            next_check_at = CASE WHEN feeds.config_url = excluded.config_url AND feeds.enabled = TRUE THEN feeds.next_check_at ELSE excluded.next_check_at END,
            -- a new URL for a gone feed is worth trying
            gone_at = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.gone_at END,
            -- so is one for a feed whose server asked us to wait
            retry_after = CASE WHEN feeds.config_url = excluded.config_url THEN feeds.retry_after END
        """;

    private const long SyncLock = AdvisoryLocks.FeedSync;

    private const string Disable = "UPDATE feeds SET enabled = FALSE WHERE name = @Name";

    /// <summary>Makes the table agree with feeds.json: new feeds are due now, removed ones are disabled (their entries stay).</summary>
    public async Task SyncAsync(IReadOnlyList<FeedDefinition> feeds, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        // PostgreSQL: nodes starting together each sync the same feeds.json. Upserts of the same names from several
        // transactions deadlock (40P01, seen with three nodes and 2,000 feeds); one sync at a time, and the later ones
        // find every feed written and write nothing.
        if (write.Provider == StorageProvider.Postgres)
            await write.Connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@Lock)", new { Lock = SyncLock }, write.Transaction);
        var nowText = Iso.ToText(now);
        // Every command starts with this sync; with thousands of feeds, writing only what changed keeps it short.
        var stored = (await write.Connection.QueryAsync<(string Name, string ConfigUrl, string Tags, long? IntervalSeconds, bool Enabled)>(
                "SELECT name, config_url, tags, interval_seconds, enabled FROM feeds", transaction: write.Transaction))
            .ToDictionary(row => row.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var feed in feeds)
        {
            var url = feed.Url.AbsoluteUri;
            var tags = JsonSerializer.Serialize(feed.Tags);
            var interval = (long?)feed.Interval?.TotalSeconds;
            if (stored.TryGetValue(feed.Name, out var known) && known.Enabled && known.ConfigUrl == url
                && SameTags(known.Tags, tags) && known.IntervalSeconds == interval) continue;
            if (write.Provider == StorageProvider.Postgres)
            {
                await write.Connection.ExecuteAsync(Upsert, new { feed.Name, Url = url, Tags = new JsonText(tags), IntervalSeconds = interval, Now = now }, write.Transaction);
                continue;
            }
            var statement = write.Statement(Upsert); // 1,000 new feeds through Dapper: 80 ms, now 42
            statement.Bind("@Name", feed.Name);
            statement.Bind("@Url", url);
            statement.Bind("@Tags", tags);
            statement.Bind("@IntervalSeconds", interval);
            statement.Bind("@Now", nowText);
            statement.Run();
        }
        // Feeds removed from feeds.json: usually none, so named one by one rather than the whole list sent to the database.
        var configured = feeds.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var removed = stored.Values.Where(row => row.Enabled && !configured.Contains(row.Name)).Select(row => new { row.Name }).ToList();
        if (removed.Count > 0) await write.Connection.ExecuteAsync(Disable, removed, write.Transaction);
        await write.CommitAsync(cancellationToken);
    }

    /// <summary>The tags as stored and as configured are the same list (PostgreSQL's jsonb writes JSON its own way).</summary>
    private static bool SameTags(string stored, string configured) =>
        stored == configured || JsonSerializer.Serialize(JsonSerializer.Deserialize<string[]>(stored)) == configured;

    private const string SelectDue = """
        SELECT * FROM feeds WHERE enabled = TRUE AND gone_at IS NULL AND next_check_at <= @Now ORDER BY next_check_at, id
        """;

    public async Task<IReadOnlyList<FeedRow>> GetDueAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<FeedRow>(SelectDue, new { Now = now })).AsList();
    }

    // PostgreSQL only: several nodes poll one database. A claim marks feeds as being polled by one node until its lease
    // ends; SKIP LOCKED lets nodes claiming at the same moment take different feeds instead of waiting for each other.
    private const string ClaimDue = """
        UPDATE feeds SET claimed_by = @Node, claim_until = @Until
        WHERE id IN (
            SELECT id FROM feeds
            WHERE enabled = TRUE AND gone_at IS NULL AND next_check_at <= @Now AND (claim_until IS NULL OR claim_until < @Now)
            ORDER BY next_check_at, id
            LIMIT @Limit
            FOR UPDATE SKIP LOCKED)
        RETURNING *
        """;

    /// <summary>PostgreSQL: claims up to <paramref name="limit"/> due feeds for this node until <paramref name="until"/>,
    /// the most overdue first; none that another node holds a live claim on.</summary>
    public async Task<IReadOnlyList<FeedRow>> ClaimDueAsync(string node, DateTimeOffset now, DateTimeOffset until, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = (await connection.QueryAsync<FeedRow>(ClaimDue, new { Node = node, Now = now, Until = until, Limit = limit })).AsList();
        rows.Sort((a, b) => a.NextCheckAt != b.NextCheckAt ? a.NextCheckAt.CompareTo(b.NextCheckAt) : a.Id.CompareTo(b.Id));
        return rows;
    }

    private const string ClaimByName = """
        UPDATE feeds SET claimed_by = @Node, claim_until = @Until
        WHERE id = ANY(@Ids) AND (claim_until IS NULL OR claim_until < @Now OR claimed_by = @Node)
        RETURNING id
        """;

    /// <summary>PostgreSQL: claims the given feeds (`aggregator poll` on a cluster) except those another node is polling.</summary>
    /// <returns>The ids claimed.</returns>
    public async Task<IReadOnlySet<long>> ClaimAsync(IReadOnlyList<long> ids, string node, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<long>(ClaimByName, new { Ids = ids.ToArray(), Node = node, Now = now, Until = until })).ToHashSet();
    }

    private const string Release = "UPDATE feeds SET claimed_by = NULL, claim_until = NULL WHERE id = ANY(@Ids) AND claimed_by = @Node";

    /// <summary>PostgreSQL: gives back this node's claims on feeds it will not poll after all.</summary>
    public async Task ReleaseAsync(string node, IReadOnlyList<long> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(Release, new { Ids = ids.ToArray(), Node = node });
    }

    private const string Renew = "UPDATE feeds SET claim_until = @Until WHERE claimed_by = @Node AND claim_until >= @Now";

    /// <summary>PostgreSQL: extends this node's live claims, at each heartbeat, so a long cycle keeps its feeds while a node
    /// that stops is relieved of them one lease after its last heartbeat.</summary>
    public async Task<int> RenewClaimsAsync(string node, DateTimeOffset now, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(Renew, new { Node = node, Now = now, Until = until });
    }

    public async Task<IReadOnlyList<FeedRow>> GetAllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<FeedRow>("SELECT * FROM feeds ORDER BY name")).AsList();
    }

    private const string UpdateAfterCheck = """
        UPDATE feeds SET
        """ + CheckColumns + """

        WHERE id = @FeedId
        """;

    // On PostgreSQL the poll's outcome also says which node polled it (`aggregator status`), and ends the node's claim
    // on it; a node whose lease ran out does not end the claim of the node that took the feed over.
    private const string UpdateAfterCheckPostgres = """
        UPDATE feeds SET
            last_checked_by = @Node,
            claimed_by = CASE WHEN claimed_by = @Node THEN NULL ELSE claimed_by END,
            claim_until = CASE WHEN claimed_by = @Node THEN NULL ELSE claim_until END,
        """ + CheckColumns + """

        WHERE id = @FeedId
        """;

    private const string CheckColumns = """
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
        """;

    /// <summary>Longest error or problem text kept: one sentence naming the thing and the fix, not a 9 MB document
    /// echoed back by an XML error (the log has the full detail once).</summary>
    public const int MaxErrorLength = 300;

    private const int MaxProblems = 10;

    /// <summary>Writes a poll's outcome inside the caller's transaction, beside the entries it stored.</summary>
    public static ValueTask RecordCheckAsync(WriteScope write, FeedCheck check)
    {
        var problems = check.Problems is { Count: > 0 } list ? JsonSerializer.Serialize(list.Take(MaxProblems).Select(Bounded)) : null;
        if (write.Provider == StorageProvider.Postgres) return new(RecordCheckWithDapperAsync(write, check, problems));
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
        statement.Bind("@Problems", problems);
        statement.Run();
        return ValueTask.CompletedTask;
    }

    private static Task RecordCheckWithDapperAsync(WriteScope write, FeedCheck check, string? problems) =>
        write.Connection.ExecuteAsync(UpdateAfterCheckPostgres, new
        {
            check.FeedId,
            write.Node,
            check.CheckedAt,
            check.NextCheckAt,
            check.Succeeded,
            check.Status,
            Error = PostgresText.Clean(Bounded(check.Error)),
            check.Gone,
            check.RetryAfter,
            Etag = PostgresText.Clean(check.Etag),
            LastModified = PostgresText.Clean(check.LastModified),
            check.NewValidators,
            MovedTo = check.MovedTo?.AbsoluteUri,
            Title = PostgresText.Clean(check.Title),
            SiteUrl = PostgresText.Clean(check.SiteUrl),
            SetProblems = check.Problems is not null,
            Problems = JsonText.From(problems),
        }, write.Transaction);

    /// <summary>One line, at most <see cref="MaxErrorLength"/> characters.</summary>
    public static string? Bounded(string? text)
    {
        var line = Parsing.HtmlText.Collapse(text);
        if (line is not { Length: > MaxErrorLength }) return line;
        var cut = char.IsHighSurrogate(line[MaxErrorLength - 2]) ? MaxErrorLength - 2 : MaxErrorLength - 1;
        return string.Concat(line.AsSpan(0, cut), "…");
    }
}
