// One Quartz job per feed against our claims, on one PostgreSQL database (bench/quartz.sh starts the server):
//   1. schedule: N durable jobs, each with a simple trigger (what mirroring each feed's schedule into Quartz takes);
//   2. fire: every trigger due at once, a no-op job each, on a clustered scheduler with 32 threads (Polling:MaxConcurrency),
//      until all N have run: the job store's acquisition, firing and completion per feed;
//   3. claims: the same N feeds due, claimed the way PollCycle does (batches of 64) and their claims ended as a poll's
//      result ends them (one UPDATE per feed, which the poll writes anyway with its outcome).
// Each phase: wall, this process's CPU, and the server's transactions (pg_stat_database.xact_commit) per feed.
using System.Diagnostics;
using Aggregator.Storage;
using Dapper;
using Npgsql;
using Quartz;
using Microsoft.Extensions.DependencyInjection;

var connectionString = args.Length > 0 ? args[0] : throw new ArgumentException("usage: QuartzBench CONNECTION_STRING [FEEDS]");
var n = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000;

using var database = new PostgresDatabase(connectionString);
await database.MigrateAsync();
var feeds = new FeedStore(database);
var now = DateTimeOffset.UtcNow;
await feeds.SyncAsync([.. Enumerable.Range(0, n).Select(i => new FeedDefinition($"feed{i:D5}", new Uri($"http://127.0.0.1/{i}"), null, []))], now);

// Configured as the service configures its clustered scheduler (Scheduling/SchedulingServiceCollectionExtensions.cs).
var services = new ServiceCollection();
services.AddLogging();
services.AddQuartz(quartz =>
{
    quartz.ConfigureScheduler(options => options.InstanceName = "bench");
    quartz.UseDefaultThreadPool(pool => pool.MaxConcurrency = 32);
    quartz.UsePersistentStore(store =>
    {
        store.UsePostgres(connectionString);
        store.UseSystemTextJsonSerializer();
        store.UseClustering();
    });
});
await using var provider = services.BuildServiceProvider();
var scheduler = await provider.GetRequiredService<ISchedulerFactory>().GetScheduler();

var jobs = new Dictionary<IJobDetail, ITrigger>();
var start = DateTimeOffset.UtcNow.AddSeconds(2);
for (var i = 0; i < n; i++)
{
    var job = JobBuilder.Create<PollFeed>().WithIdentity($"feed{i:D5}").StoreDurably().Build();
    jobs[job] = TriggerBuilder.Create().WithIdentity($"feed{i:D5}").ForJob(job).StartAt(start)
        .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromHours(1)).RepeatForever()).Build();
}
await Measure("schedule", async () =>
{
    foreach (var (job, trigger) in jobs) await scheduler.ScheduleJob(job, trigger);
});

await Measure("fire", async () =>
{
    await scheduler.Start();
    while (Volatile.Read(ref PollFeed.Fired) < n) await Task.Delay(20);
});
await scheduler.Shutdown(waitForJobsToComplete: true);

await Measure("claims", async () =>
{
    var node = database.Node.Id;
    while (true)
    {
        var at = DateTimeOffset.UtcNow;
        var batch = await feeds.ClaimDueAsync(node, at, at.AddMinutes(2), 64);
        if (batch.Count == 0) break;
        await Parallel.ForEachAsync(batch, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (feed, _) =>
        {
            await using var write = await database.BeginWriteAsync();
            await FeedStore.RecordCheckAsync(write, new FeedCheck { FeedId = feed.Id, CheckedAt = at, NextCheckAt = at.AddHours(1), Succeeded = true, Status = 304 });
            await write.CommitAsync();
        });
    }
});

async Task Measure(string phase, Func<Task> work)
{
    var commits = await Commits();
    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    var wall = Stopwatch.StartNew();
    await work();
    wall.Stop();
    var cpuUsed = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    var transactions = await Commits() - commits - 1; // less the reading of the counter itself
    Console.WriteLine($"{phase,-9} {n} feeds: {wall.Elapsed.TotalSeconds,6:F2} s wall, {cpuUsed.TotalSeconds,5:F2} s CPU, " +
        $"{wall.Elapsed.TotalMilliseconds * 1000 / n,7:F0} µs and {(double)transactions / n,5:F1} server transactions per feed");
}

async Task<long> Commits()
{
    // The statistics collector publishes at most every 500 ms (PostgreSQL 15: at transaction end, flushed within a second).
    await Task.Delay(1100);
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await connection.ExecuteAsync("SELECT pg_stat_clear_snapshot()");
    return await connection.ExecuteScalarAsync<long>("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
}

/// <summary>Stands for a feed's poll: does nothing, so that what is measured is the job store's own work.</summary>
[DisallowConcurrentExecution]
internal sealed class PollFeed : IJob
{
    public static int Fired;

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Fired);
        return ValueTask.CompletedTask;
    }
}
