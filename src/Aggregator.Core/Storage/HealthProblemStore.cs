using Dapper;

namespace Aggregator.Storage;

/// <summary>The health_problems table: what the monitor knows to be wrong with itself, kept so that each problem is
/// alerted once when it starts and once when it ends, across restarts and across the nodes of a cluster.</summary>
public sealed class HealthProblemStore(Database database)
{
    public async Task<IReadOnlyList<HealthProblemRow>> GetOpenAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<HealthProblemRow>("SELECT * FROM health_problems WHERE ended_at IS NULL ORDER BY since, id")).AsList();
    }

    // The partial unique index allows one open row per subject: of two nodes seeing the same problem at once, the
    // second one's insert waits for the first to commit and then does nothing.
    private const string Open = """
        INSERT INTO health_problems (kind, subject, detail, since)
        VALUES (@Kind, @Subject, @Detail, @Since)
        ON CONFLICT (kind, subject) WHERE ended_at IS NULL DO NOTHING
        RETURNING id
        """;

    /// <summary>Records a problem as open, inside the caller's transaction.</summary>
    /// <returns>Its id, or null when it was open already (this node or another recorded it first).</returns>
    public static async Task<long?> OpenAsync(WriteScope write, string kind, string subject, string detail, DateTimeOffset since)
    {
        return await write.Connection.QuerySingleOrDefaultAsync<long?>(Open, new
        {
            Kind = kind,
            Subject = write.Text(subject),
            Detail = write.Text(detail),
            Since = since,
        }, write.Transaction);
    }

    private const string End = "UPDATE health_problems SET ended_at = @Now WHERE id = @Id AND ended_at IS NULL";

    /// <summary>Records a problem as ended, inside the caller's transaction.</summary>
    /// <returns>False when it had ended already (another node saw it first).</returns>
    public static async Task<bool> EndAsync(WriteScope write, long id, DateTimeOffset now) =>
        await write.Connection.ExecuteAsync(End, new { Id = id, Now = now }, write.Transaction) == 1;
}
