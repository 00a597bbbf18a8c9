using Aggregator.Scheduling;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Scheduling;

/// <summary>The nodes table does not grow with every `run`: rows of nodes gone for a day are deleted, on SQLite by the
/// heartbeat (at start, then hourly), on PostgreSQL by the cluster's housekeeping job, both through
/// <see cref="NodeStore.ForgetAsync"/>. On a fake clock; a real SQLite file, a real PostgreSQL database.</summary>
public sealed class NodeHeartbeatTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Directory.CreateTempSubdirectory("aggregator-nodes-").FullName;

    [Fact]
    public async Task OnSqliteTheHeartbeatDeletesNodesGoneForADayAtStartAndThenHourly()
    {
        var ct = TestContext.Current.CancellationToken;
        var path = Path.Combine(_directory, "aggregator.db");
        using var self = new SqliteDatabase(path);
        await self.MigrateAsync(ct);
        // Earlier runs of the service on this file: one stopped two days ago, one killed 25 hours ago (never stopped),
        // one stopped three hours ago.
        using var stoppedLongAgo = new SqliteDatabase(path);
        using var killed = new SqliteDatabase(path);
        using var stoppedLately = new SqliteDatabase(path);
        await RunAsync(stoppedLongAgo, Start - TimeSpan.FromDays(2), stop: true);
        await RunAsync(killed, Start - TimeSpan.FromHours(25), stop: false);
        await RunAsync(stoppedLately, Start - TimeSpan.FromHours(3), stop: true);

        var time = new FakeTimeProvider(Start);
        using var heartbeat = new NodeHeartbeat(new NodeStore(self), new FeedStore(self), self,
            Options.Create(new ClusterOptions { Heartbeat = TimeSpan.FromSeconds(10) }), time, NullLogger<NodeHeartbeat>.Instance);
        await heartbeat.StartAsync(ct);
        try
        {
            await UntilNodesAsync(self, [self.Node.Id, stoppedLately.Node.Id]);

            // 22 hours on, the run stopped three hours before the start has been gone for a day.
            time.Advance(TimeSpan.FromHours(22));
            await UntilNodesAsync(self, [self.Node.Id]);
        }
        finally
        {
            await heartbeat.StopAsync(ct);
        }
        // A clean stop leaves the row, marked stopped, for `status` to show for a day.
        await using var connection = await self.OpenAsync(ct);
        Assert.NotNull(await connection.ExecuteScalarAsync<string?>("SELECT stopped_at FROM nodes WHERE id = @Id", new { self.Node.Id }));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task ForgettingDeletesOnlyNodesNotHeardFromForADay(StorageProvider provider)
    {
        var ct = TestContext.Current.CancellationToken;
        using var database = await TestDatabases.CreateAsync(provider, _directory);
        var nodes = new NodeStore(database);
        await nodes.HeartbeatAsync(Start - TimeSpan.FromHours(30), ct);
        await nodes.StoppedAsync(Start - TimeSpan.FromHours(30), ct);
        Assert.Single(await nodes.ListAsync(Start - TimeSpan.FromDays(2), Start, ct));

        await nodes.ForgetAsync(Start - NodeStore.KeptFor, ct);
        Assert.Empty(await nodes.ListAsync(Start - TimeSpan.FromDays(2), Start, ct));

        await nodes.HeartbeatAsync(Start - TimeSpan.FromHours(23), ct);
        await nodes.ForgetAsync(Start - NodeStore.KeptFor, ct);
        Assert.Single(await nodes.ListAsync(Start - TimeSpan.FromDays(2), Start, ct));
    }

    private static async Task RunAsync(Database database, DateTimeOffset at, bool stop)
    {
        var nodes = new NodeStore(database);
        await nodes.HeartbeatAsync(at);
        if (stop) await nodes.StoppedAsync(at + TimeSpan.FromMinutes(1));
    }

    private static async Task UntilNodesAsync(Database database, string[] expected)
    {
        var ids = Array.Empty<string>();
        await Eventually.TrueAsync(async () =>
        {
            await using var connection = await database.OpenAsync();
            ids = [.. await connection.QueryAsync<string>("SELECT id FROM nodes ORDER BY id")];
            return ids.SequenceEqual(expected.Order(StringComparer.Ordinal));
        }, () => $"the nodes table holds [{string.Join(", ", ids)}], expected [{string.Join(", ", expected)}]");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
