using Aggregator.Monitoring;
using Aggregator.Notifications;
using Aggregator.Parsing;
using Aggregator.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Aggregator.Tests.Notifications;

/// <summary>A real outbox in a temporary SQLite file holding alerts queued as a poll queues them (feed, entry,
/// match, outbox row), and the real dispatcher to send them, so a test sees what the user sees in
/// `aggregator outbox`: delivered, retrying, or dead-lettered with the reason.</summary>
internal sealed class QueuedAlerts : IDisposable
{
    private readonly string _directory;
    private readonly Database _database;
    private readonly OutboxStore _outbox;

    private QueuedAlerts(string directory, Database database)
    {
        _directory = directory;
        _database = database;
        _outbox = new OutboxStore(database);
    }

    /// <param name="at">When they were queued: due from then on.</param>
    public static async Task<QueuedAlerts> CreateAsync(DateTimeOffset at, params Alert[] alerts)
    {
        var directory = Directory.CreateTempSubdirectory("aggregator-outbox-").FullName;
        var database = new SqliteDatabase(Path.Combine(directory, "aggregator.db"));
        await database.MigrateAsync();
        var feeds = new FeedStore(database);
        await feeds.SyncAsync([new FeedDefinition(alerts[0].Feed, new Uri(alerts[0].FeedUrl), null, [])], at);
        var feedId = Assert.Single(await feeds.GetAllAsync()).Id;
        await using (var write = await database.BeginWriteAsync())
        {
            foreach (var alert in alerts)
            {
                var entryId = (await EntryStore.InsertAsync(write, feedId, EntryStore.Encode("id:" + alert.DeliveryId,
                    new ParsedEntry { Id = alert.EntryId, Title = alert.Title, Link = alert.Link }, at, storeHtml: false)))!.Value;
                var matchId = (await new MatchStore(database).InsertAsync(write, entryId, alert.Rule, alert.MatchedTerms, at))!.Value;
                await new OutboxStore(database).InsertAsync(write, alert.DeliveryId, matchId, alert.Notifier, AlertJson.Serialize(alert), at, at, null);
            }
            await write.CommitAsync();
        }
        return new QueuedAlerts(directory, database);
    }

    /// <summary>One delivery pass of the real dispatcher over these notifiers.</summary>
    public Task<DrainReport> DeliverAsync(NotifierRegistry notifiers, TimeProvider time, CancellationToken cancellationToken) =>
        new OutboxDispatcher(_outbox, notifiers, _database, Options.Create(new DeliveryOptions()), Options.Create(new ClusterOptions()), time, Random.Shared,
            new AggregatorMetrics(), NullLogger<OutboxDispatcher>.Instance)
            .DrainAsync(cancellationToken);

    public async Task<OutboxRow> RowAsync(string deliveryId) =>
        Assert.Single(await _outbox.ListAsync(failedOnly: false, limit: 1000), row => row.Id == deliveryId);

    public void Dispose()
    {
        _database.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
