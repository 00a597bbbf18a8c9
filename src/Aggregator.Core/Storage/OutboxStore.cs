using Dapper;

namespace Aggregator.Storage;

/// <summary>The outbox table: the single source of truth for what has been and must be delivered.</summary>
public sealed class OutboxStore(Database database)
{
    private const string Insert = """
        INSERT INTO outbox (id, match_id, notifier, payload, status, attempts, next_attempt_at, created_at, digest_key)
        VALUES (@Id, @MatchId, @Notifier, @Payload, 'pending', 0, @Due, @Now, @DigestKey)
        ON CONFLICT (match_id, notifier) DO NOTHING
        """;

    /// <summary>Queues a delivery inside the transaction that stores its entry and match: due now, or for a
    /// digest rule at the end of its period (<paramref name="due"/>), grouped with the period's other rows by
    /// <paramref name="digestKey"/>.</summary>
    public Task InsertAsync(WriteScope write, string id, long matchId, string notifier, string payload, DateTimeOffset now,
        DateTimeOffset due, string? digestKey) =>
        write.Connection.ExecuteAsync(Insert, new
        {
            Id = id, MatchId = matchId, Notifier = notifier, Payload = payload, Now = Iso.ToText(now),
            Due = Iso.ToText(due), DigestKey = digestKey,
        }, write.Transaction);

    private const string SelectDigest = """
        SELECT * FROM outbox
        WHERE status = 'pending' AND notifier = @Notifier AND digest_key = @DigestKey
        ORDER BY created_at, id
        """;

    /// <summary>Every pending row of one digest: the alerts that go out together in one message.</summary>
    public async Task<IReadOnlyList<OutboxRow>> GetDigestAsync(string notifier, string digestKey, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OutboxRow>(SelectDigest, new { Notifier = notifier, DigestKey = digestKey })).AsList();
    }

    private const string SelectDue = """
        SELECT * FROM outbox
        WHERE status = 'pending' AND next_attempt_at <= @Now
        ORDER BY next_attempt_at, created_at, id
        LIMIT @Limit
        """;

    public async Task<IReadOnlyList<OutboxRow>> GetDueAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OutboxRow>(SelectDue, new { Now = Iso.ToText(now), Limit = limit })).AsList();
    }

    private const string SetDelivered = """
        UPDATE outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = @Now, last_error = NULL
        WHERE id IN @Ids AND status = 'pending'
        """;

    /// <summary>Marks the rows of one delivery (one alert, or every alert of a digest) in one transaction.</summary>
    public Task MarkDeliveredAsync(IReadOnlyList<string> ids, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(SetDelivered, new { Ids = ids, Now = Iso.ToText(now) }, cancellationToken);

    private const string SetRetry = """
        UPDATE outbox SET attempts = attempts + 1, next_attempt_at = @NextAttemptAt, last_error = @Error
        WHERE id IN @Ids AND status = 'pending'
        """;

    public Task MarkRetryAsync(IReadOnlyList<string> ids, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(SetRetry, new { Ids = ids, NextAttemptAt = Iso.ToText(nextAttemptAt), Error = error }, cancellationToken);

    private const string SetDead = """
        UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = @Error
        WHERE id IN @Ids AND status = 'pending'
        """;

    public Task MarkDeadAsync(IReadOnlyList<string> ids, string error, CancellationToken cancellationToken = default) =>
        WriteAsync(SetDead, new { Ids = ids, Error = error }, cancellationToken);

    private const string SelectList = """
        SELECT * FROM outbox
        WHERE (@FailedOnly = 0 OR status = 'dead' OR (status = 'pending' AND attempts > 0))
        ORDER BY created_at DESC, id
        LIMIT @Limit
        """;

    /// <param name="failedOnly">Only dead-lettered deliveries and pending ones that have failed at least once.</param>
    public async Task<IReadOnlyList<OutboxRow>> ListAsync(bool failedOnly, int limit, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<OutboxRow>(SelectList, new { FailedOnly = failedOnly, Limit = limit })).AsList();
    }

    private const string Requeue = """
        UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = @Now
        WHERE status <> 'delivered' AND (@Id IS NULL OR id = @Id)
        """;

    /// <summary>Puts a dead or waiting delivery (or all of them, when id is null) back to be sent now.</summary>
    /// <returns>How many were requeued.</returns>
    public Task<int> RequeueAsync(string? id, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        WriteAsync(Requeue, new { Id = id, Now = Iso.ToText(now) }, cancellationToken);

    private async Task<int> WriteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        var changed = await write.Connection.ExecuteAsync(sql, parameters, write.Transaction);
        await write.CommitAsync(cancellationToken);
        return changed;
    }
}
