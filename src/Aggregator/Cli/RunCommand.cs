using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Notifications;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Cli;

internal static class RunCommand
{
    public static Command Create()
    {
        var command = new Command("run", "Run the service: poll feeds on schedule and deliver alerts until stopped (Ctrl+C, SIGTERM)");
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Service, cancellationToken, async host =>
        {
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Aggregator");
            var database = host.Services.GetRequiredService<Database>().Name;
            // On SQLite the service delivers from this database for as long as it runs; `poll` beside it leaves the
            // sending to it, and a second `run` on the same file would poll every feed twice. On PostgreSQL any number of
            // nodes run, and share feeds and deliveries through claims.
            if (!host.Services.GetRequiredService<OutboxDispatcher>().HoldDeliveryLock())
            {
                await Console.Error.WriteLineAsync($"Another aggregator service is already running on {database} (it holds {database}.delivery-lock); stop it first, or give this one its own Aggregator:Database.");
                return ExitCodes.Failure;
            }
            var config = host.Services.GetRequiredService<ConfigFiles>().Current;
            logger.LogInformation("Aggregator running as node {NodeId}: {FeedCount} feeds, {RuleCount} rules, notifiers {Notifiers}, database {Database}; Ctrl+C stops it",
                host.Services.GetRequiredService<Database>().Node.Id, config.Feeds.Count, config.Rules.Count,
                string.Join(", ", host.Services.GetRequiredService<NotifierRegistry>().Names), database);
            var background = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().ToList(); // RunAsync disposes the host
            // The host's console lifetime handles Ctrl+C and SIGTERM: Quartz stops, waiting for the running jobs,
            // which abandon their in-flight polls at a transaction boundary.
            await host.RunAsync(cancellationToken);
            // A background service that failed has stopped the host: not a clean stop, so systemd's Restart=on-failure
            // brings the service back.
            if (background.Any(s => s.ExecuteTask is { IsFaulted: true }))
            {
                logger.LogCritical("Aggregator stopped because a background service failed (see above); exiting with an error so it is restarted");
                return ExitCodes.Failure;
            }
            logger.LogInformation("Aggregator stopped");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
