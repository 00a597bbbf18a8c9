using Dapper;

namespace Aggregator.Storage;

/// <summary>The alert_counts table: alerts per rule, notifier and flood-guard window, for the limit.</summary>
public static class AlertCountStore
{
    // One statement that counts and answers: on PostgreSQL the conflicting row is locked until the transaction ends,
    // so two nodes queueing for the same rule at once get 5 and 6, never 5 twice.
    private const string Count = """
        INSERT INTO alert_counts (rule, notifier, window_start, alerts)
        VALUES (@Rule, @Notifier, @WindowStart, 1)
        ON CONFLICT (rule, notifier, window_start) DO UPDATE SET alerts = alert_counts.alerts + 1
        RETURNING alerts
        """;

    private const string DeleteOlder = """
        DELETE FROM alert_counts WHERE rule = @Rule AND notifier = @Notifier AND window_start < @WindowStart
        """;

    /// <summary>Counts one more alert in the window, inside the transaction that queues it.</summary>
    /// <returns>How many the window holds with this one.</returns>
    public static async Task<long> AddAsync(WriteScope write, string rule, string notifier, DateTimeOffset windowStart)
    {
        var parameters = new { Rule = write.Text(rule), Notifier = notifier, WindowStart = windowStart };
        var count = await write.Connection.ExecuteScalarAsync<long>(Count, parameters, write.Transaction);
        // A new window: the rule's earlier ones are done with.
        if (count == 1) await write.Connection.ExecuteAsync(DeleteOlder, parameters, write.Transaction);
        return count;
    }
}
