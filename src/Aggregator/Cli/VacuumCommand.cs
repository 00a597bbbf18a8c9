using System.CommandLine;
using Aggregator.Notifications;
using Aggregator.Storage;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator vacuum`: applies Aggregator:Retention now (as the service does once a day), then gives the freed
/// space back to the disk with SQLite's VACUUM when no service is running on the database.</summary>
internal static class VacuumCommand
{
    public static Command Create()
    {
        var command = new Command("vacuum", "Delete entries past Aggregator:Retention now, then compact the database file (VACUUM; skipped while the service runs)");
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            var services = host.Services;
            var retention = services.GetRequiredService<Retention>();
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (!retention.Enabled)
            {
                Console.WriteLine("Retention: Aggregator:Retention:KeepEntries is not set, so no entries are deleted.");
            }
            else
            {
                var doomed = await retention.CountAsync(now, cancellationToken);
                var deleted = await ProgressDisplay.RunAsync("entries deleted", progress =>
                    retention.RunAsync(now, done => progress.Report(done, doomed), cancellationToken));
                Console.WriteLine(deleted is null
                    ? $"Retention: another node is deleting old entries right now ({doomed} are due to go); it does the work, and `vacuum` again shows what is left."
                    : $"Retention: {deleted} entries deleted (with their matches and deliveries; pending deliveries are kept).");
            }
            if (services.GetRequiredService<Database>() is not SqliteDatabase database)
            {
                Console.WriteLine("VACUUM: not needed on PostgreSQL, whose autovacuum makes the freed space reusable on its own.");
                return ExitCodes.Ok;
            }

            // VACUUM rewrites the whole file inside one write transaction: the service's writes would wait for all of it
            // (and fail after 30 s). Holding the delivery lock keeps a service from starting meanwhile.
            using var alone = DeliveryLock.TryAcquire(database.Path);
            if (alone is null)
            {
                Console.WriteLine($"VACUUM skipped: an aggregator service is running on {database.Path}. The freed space is reused by new entries; " +
                    "to give it back to the disk, stop the service and run `aggregator vacuum` again.");
                return ExitCodes.Ok;
            }
            var before = Size(database.Path);
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                Console.WriteLine($"VACUUM: compacting {database.Path} ({before / 1048576.0:0.0} MiB)...");
                await connection.ExecuteAsync("VACUUM;");
                await connection.ExecuteAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            }
            var after = Size(database.Path);
            Console.WriteLine($"VACUUM: {before / 1048576.0:0.0} MiB -> {after / 1048576.0:0.0} MiB.");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static long Size(string path) =>
        new[] { path, path + "-wal" }.Where(File.Exists).Sum(p => new FileInfo(p).Length);
}
