using Dapper;

namespace Aggregator.Storage;

/// <summary>The outbox table: the single source of truth for what has been and must be delivered.</summary>
public sealed class OutboxStore(Database database)
{
    private const string Insert = """
        INSERT INTO outbox (id, match_id, notifier, payload, status, attempts, next_attempt_at, created_at, digest_key, held)
        VALUES (@Id, @MatchId, @Notifier, @Payload, 'pending', 0, @Due, @Now, @DigestKey, @Held)
        ON CONFLICT (match_id, notifier) DO NOTHING
        """;

    /// <summary>Queues a delivery inside the transaction that stores its entry and match: due now, or for a
    /// digest rule at the end of its period (<paramref name="due"/>), grouped with the period's other rows by
    /// <paramref name="digestKey"/>; so too an alert held by the flood guard or quiet hours (<paramref name="held"/>).</summary>
    public Task InsertAsync(WriteScope write, string id, long matchId, string notifier, string payload, DateTimeOffset now,
        DateTimeOffset due, string? digestKey, string? held = null) =>
        write.Connection.ExecuteAsync(Insert, new
        {
            Id = id, MatchId = matchId, Notifier = notifier, Payload = new JsonText(payload), Now = now,
            Due = due, DigestKey = write.Text(digestKey), Held = held,
        }, write.Transaction);

    private const string InsertOperational = """
        INSERT INTO outbox (id, match_id, notifier, payload, status, attempts, next_attempt_at, created_at)
        VALUES (@Id, NULL, @Notifier, @Payload, 'pending', 0, @Now, @Now)
        ON CONFLICT (id) DO NOTHING
        """;

    /// <summary>Queues an operational alert (no match) inside the caller's transaction. Its id is derived from the
    /// problem, so a second node queueing the same one changes nothing.</summary>
    public static Task InsertOperationalAsync(WriteScope write, string id, string notifier, string payload, DateTimeOffset now) =>
        write.Connection.ExecuteAsync(InsertOperational, new { Id = id, Notifier = notifier, Payload = new JsonText(payload), Now = now }, write.Transaction);

    private const string SelectDigest = """
        SELECT * FROM outbox
        WHERE status = 'pending' AND notifier = @Notifier AND digest_key = @DigestKey
        ORDER BY created_at, id
        """;

    // PostgreSQL: the rows of the digest this node has claimed (ClaimDue claims a digest whole).
    private const string SelectClaimedDigest = """
        SELECT * FROM outbox
        WHERE status = 'pending' AND notifier = @Notifier AND digest_key = @DigestKey AND claimed_by = @Node
        ORDER BY created_at, id
        """;

    /// <summary>Every pending row of one digest: the alerts that go out together in one message.</summary>
    public async Task<IReadOnlyList<OutboxRow>> GetDigestAsync(string notifier, string digestKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var sql = database.Provider == StorageProvider.Postgres ? SelectClaimedDigest : SelectDigest;
        return (await connection.QueryAsync<OutboxRow>(sql, new { Notifier = notifier, DigestKey = digestKey, Node = database.Node.Id })).AsList();
    }

    private const string SelectDue = """
        SELECT * FROM outbox
        WHERE status = 'pending' AND next_attempt_at <= @Now
        ORDER BY next_attempt_at, created_at, id
        LIMIT @Limit
        """;

    // PostgreSQL: any node delivers, each from the rows it has claimed until its lease ends. The claims are made one
    // node at a time (an advisory lock held to the end of the statement's transaction) because a digest is claimed whole:
    // two nodes each claiming some of its rows would send two different digests. A digest that another node holds a
    // live claim on is left to it.
    private const string ClaimDue = """
        WITH due AS (
            SELECT id, notifier, digest_key FROM outbox
            WHERE status = 'pending' AND next_attempt_at <= @Now AND (claim_until IS NULL OR claim_until < @Now)
            ORDER BY next_attempt_at, created_at, id
            LIMIT @Limit),
        digests AS (
            SELECT DISTINCT notifier, digest_key FROM due WHERE digest_key IS NOT NULL),
        picked AS (
            SELECT id FROM due WHERE digest_key IS NULL
            UNION
            SELECT o.id FROM outbox o JOIN digests d ON o.notifier = d.notifier AND o.digest_key = d.digest_key
            WHERE o.status = 'pending' AND NOT EXISTS (
                SELECT 1 FROM outbox x
                WHERE x.notifier = d.notifier AND x.digest_key = d.digest_key AND x.status = 'pending'
                  AND x.claim_until >= @Now AND x.claimed_by <> @Node))
        UPDATE outbox SET claimed_by = @Node, claim_until = @Until
        WHERE id IN (SELECT id FROM picked)
          -- checked again on the row as it is now: a node renewing its claim just before sending (Fence) wins
          AND status = 'pending' AND (claim_until IS NULL OR claim_until < @Now OR claimed_by = @Node)
        RETURNING *
        """;

    private const long ClaimLock = AdvisoryLocks.OutboxClaims;

    /// <summary>The rows due for delivery, the longest waiting first. On PostgreSQL they are claimed for this node until
    /// <paramref name="leaseEnd"/>: no other node sends them before then.</summary>
    public async Task<IReadOnlyList<OutboxRow>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default,
        DateTimeOffset? leaseEnd = null)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        if (database.Provider != StorageProvider.Postgres)
            return (await connection.QueryAsync<OutboxRow>(SelectDue, new { Now = now, Limit = limit })).AsList();
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(@Lock)", new { Lock = ClaimLock }, transaction);
        var rows = (await connection.QueryAsync<OutboxRow>(ClaimDue,
            new { Now = now, Until = leaseEnd ?? now, Limit = limit, Node = database.Node.Id }, transaction)).AsList();
        await transaction.CommitAsync(cancellationToken);
        rows.Sort((a, b) => a.NextAttemptAt != b.NextAttemptAt ? a.NextAttemptAt.CompareTo(b.NextAttemptAt)
            : a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
        return rows;
    }

    private const string Fence = """
        UPDATE outbox SET claim_until = @Until
        WHERE id = ANY(@Ids) AND status = 'pending' AND claimed_by = @Node
        """;

    /// <summary>PostgreSQL, just before sending: renews this node's claim on a delivery's rows and says whether it still
    /// holds all of them. A row whose lease ran out while it waited in this node's queue may have been taken (and sent)
    /// by another node; then this node leaves it.</summary>
    public async Task<bool> RenewClaimAsync(IReadOnlyList<string> ids, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        if (database.Provider != StorageProvider.Postgres) return true;
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(Fence, new { Ids = ids.ToArray(), Until = until, Node = database.Node.Id }) == ids.Count;
    }

    private const string Release = "UPDATE outbox SET claimed_by = NULL, claim_until = NULL WHERE id = ANY(@Ids) AND claimed_by = @Node";

    /// <summary>PostgreSQL: gives back this node's claims on rows it did not try to send.</summary>
    public async Task ReleaseAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(Release, new { Ids = ids.ToArray(), Node = database.Node.Id });
    }

    private const string ClaimedElsewhere = """
        SELECT count(*) AS Alerts, max(claim_until) AS Until FROM outbox
        WHERE status = 'pending' AND next_attempt_at <= @Now AND claim_until >= @Now AND claimed_by <> @Node
        """;

    /// <summary>PostgreSQL: the due alerts that other nodes hold live claims on (being sent by them, or waiting for
    /// the lease of a node that died to end), and when the last of those claims ends. Zero on SQLite.</summary>
    public async Task<ClaimedAlerts> ClaimedElsewhereAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (database.Provider != StorageProvider.Postgres) return new ClaimedAlerts();
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleAsync<ClaimedAlerts>(ClaimedElsewhere, new { Now = now, Node = database.Node.Id });
    }

    private const string SetDelivered = """
        UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = @Now, last_error = NULL
        WHERE id IN @Ids AND status = 'pending'
        """;

    // PostgreSQL also records which node delivered (`aggregator status`) and ends the claim.
    private const string SetDeliveredPostgres = """
        UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = @Now, last_error = NULL,
                          delivered_by = @Node, claimed_by = NULL, claim_until = NULL
        WHERE id = ANY(@Ids) AND status = 'pending'
        """;

    /// <summary>Marks the rows of one delivery (one alert, or every alert of a digest) in one transaction, with the
    /// attempt recorded on each.</summary>
    public Task MarkDeliveredAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(database.Provider == StorageProvider.Postgres ? SetDeliveredPostgres : SetDelivered,
            new { Ids = ids.ToArray(), Now = now, Node = database.Node.Id }, cancellationToken, new Attempt(ids, now, "delivered", null));

    private const string SetRetry = """
        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @NextAttemptAt, last_error = @Error
        WHERE id IN @Ids AND status = 'pending'
        """;

    private const string SetRetryPostgres = """
        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @NextAttemptAt, last_error = @Error,
                          claimed_by = NULL, claim_until = NULL
        WHERE id = ANY(@Ids) AND status = 'pending'
        """;

    public Task MarkRetryAsync(IReadOnlyList<string> ids, DateTimeOffset now, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(database.Provider == StorageProvider.Postgres ? SetRetryPostgres : SetRetry,
            new { Ids = ids.ToArray(), NextAttemptAt = nextAttemptAt, Error = Clean(error) }, cancellationToken, new Attempt(ids, now, "failed", error));

    private const string SetDead = """
        UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = @Error
        WHERE id IN @Ids AND status = 'pending'
        """;

    private const string SetDeadPostgres = """
        UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = @Error, claimed_by = NULL, claim_until = NULL
        WHERE id = ANY(@Ids) AND status = 'pending'
        """;

    public Task MarkDeadAsync(IReadOnlyList<string> ids, DateTimeOffset now, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(database.Provider == StorageProvider.Postgres ? SetDeadPostgres : SetDead, new { Ids = ids.ToArray(), Error = Clean(error) },
            cancellationToken, new Attempt(ids, now, "dead", error));

    private string Clean(string text) => database.Provider == StorageProvider.Postgres ? PostgresText.Clean(text)! : text;

    private const string SelectList = """
        SELECT * FROM outbox
        WHERE (NOT @FailedOnly OR status = 'dead' OR (status = 'pending' AND attempts > 0))
        ORDER BY created_at DESC, id
        LIMIT @Limit
        """;

    /// <param name="failedOnly">Only dead-lettered deliveries and pending ones that have failed at least once.</param>
    public async Task<IReadOnlyList<OutboxRow>> ListAsync(bool failedOnly, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OutboxRow>(SelectList, new { FailedOnly = failedOnly, Limit = limit })).AsList();
    }

    /// <summary>One delivery, or null when there is none with this id.</summary>
    public async Task<OutboxRow?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<OutboxRow>("SELECT * FROM outbox WHERE id = @Id", new { Id = id });
    }

    private const string SelectAttempts = """
        SELECT * FROM outbox_attempts WHERE outbox_id = @Id ORDER BY attempted_at, id
        """;

    /// <summary>Every attempt made to deliver one row, the first first.</summary>
    public async Task<IReadOnlyList<OutboxAttemptRow>> GetAttemptsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OutboxAttemptRow>(SelectAttempts, new { Id = id })).AsList();
    }

    // Dead since attempts were recorded (0012): rows dead-lettered before that were never alerted on and are left so.
    // Operational rows are left out: an alert about a failed operational alert would loop.
    private const string SelectDeadLetters = """
        SELECT * FROM outbox o
        WHERE o.status = 'dead' AND o.match_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM outbox_attempts a WHERE a.outbox_id = o.id AND a.outcome = 'dead')
        """;

    /// <summary>The rules' deliveries that have been dead-lettered and are still dead.</summary>
    public async Task<IReadOnlyList<OutboxRow>> GetDeadLettersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OutboxRow>(SelectDeadLetters)).AsList();
    }

    // A notifier's failures since its last delivery: the first of them says how long it has been failing.
    private const string SelectFailingNotifiers = """
        SELECT f.notifier AS notifier, f.first_failure AS first_failure, f.failures AS failures,
               (SELECT x.error FROM outbox_attempts x WHERE x.notifier = f.notifier ORDER BY x.attempted_at DESC, x.id DESC LIMIT 1) AS last_error
        FROM (
            SELECT a.notifier, min(a.attempted_at) AS first_failure, count(*) AS failures
            FROM outbox_attempts a
            WHERE a.outcome <> 'delivered'
              AND NOT EXISTS (SELECT 1 FROM outbox_attempts d
                              WHERE d.notifier = a.notifier AND d.outcome = 'delivered' AND d.attempted_at >= a.attempted_at)
            GROUP BY a.notifier) f
        """;

    /// <summary>Each notifier whose attempts since its last delivery (or ever) have all failed, with the first failure.</summary>
    public async Task<IReadOnlyList<FailingNotifier>> GetFailingNotifiersAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<FailingNotifier>(SelectFailingNotifiers)).AsList();
    }

    // Only dead rows and rows waiting for a retry after a failure: a pending row never tried is an open digest or a
    // held alert (or one about to go out), and sending it now would send a digest before its period ends. A digest
    // row is tried only once its period has ended, so one that failed may go at once.
    private const string Requeue = """
        UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = @Now
        WHERE (status = 'dead' OR (status = 'pending' AND attempts > 0)) AND (@Id IS NULL OR id = @Id)
        """;

    private const string RequeuePostgres = """
        UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = @Now, claimed_by = NULL, claim_until = NULL
        WHERE (status = 'dead' OR (status = 'pending' AND attempts > 0)) AND (@Id IS NULL OR id = @Id)
        """;

    /// <summary>Puts a dead delivery, or one waiting for a retry after a failure (or all of them, when id is null), back
    /// to be sent now. Open digests and held alerts are left to their time.</summary>
    /// <returns>How many were requeued.</returns>
    public Task<int> RequeueAsync(string? id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(database.Provider == StorageProvider.Postgres ? RequeuePostgres : Requeue, new { Id = id, Now = now }, cancellationToken);

    /// <summary>One delivery attempt: when, how it ended (delivered, failed, dead), and why not.</summary>
    private sealed record Attempt(IReadOnlyList<string> Ids, DateTimeOffset At, string Outcome, string? Error);

    // Written before the update, from the rows it is about to change (still pending), in its transaction.
    private const string InsertAttempts = """
        INSERT INTO outbox_attempts (outbox_id, notifier, attempted_at, outcome, error, node)
        SELECT id, notifier, @At, @Outcome, @Error, @Node FROM outbox WHERE id IN @Ids AND status = 'pending'
        """;

    private const string InsertAttemptsPostgres = """
        INSERT INTO outbox_attempts (outbox_id, notifier, attempted_at, outcome, error, node)
        SELECT id, notifier, @At, @Outcome, @Error, @Node FROM outbox WHERE id = ANY(@Ids) AND status = 'pending'
        """;

    private async Task<int> WriteAsync(string sql, object parameters, CancellationToken cancellationToken, Attempt? attempt = null)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        if (attempt is not null)
        {
            await write.Connection.ExecuteAsync(write.Provider == StorageProvider.Postgres ? InsertAttemptsPostgres : InsertAttempts,
                new
                {
                    Ids = attempt.Ids.ToArray(), attempt.At, attempt.Outcome,
                    Error = attempt.Error is null ? null : Clean(FeedStore.Bounded(attempt.Error)!),
                    // Only a cluster has several nodes to tell apart.
                    Node = write.Provider == StorageProvider.Postgres ? write.Node : null,
                }, write.Transaction);
        }
        var changed = await write.Connection.ExecuteAsync(sql, parameters, write.Transaction);
        await write.CommitAsync(cancellationToken);
        return changed;
    }
}
