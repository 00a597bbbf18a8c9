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
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var host = AppHost.Build(parse, service: true);
            if (await AppHost.PrepareAsync(host, cancellationToken) is { } failed) return failed;
            var config = host.Services.GetRequiredService<ConfigFiles>().Current;
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Aggregator");
            logger.LogInformation("Aggregator running: {FeedCount} feeds, {RuleCount} rules, notifiers {Notifiers}, database {Database}; Ctrl+C stops it",
                config.Feeds.Count, config.Rules.Count, string.Join(", ", host.Services.GetRequiredService<NotifierRegistry>().Names),
                host.Services.GetRequiredService<Database>().Path);
            // The host's console lifetime handles Ctrl+C and SIGTERM: Quartz stops, waiting for the running jobs,
            // which abandon their in-flight polls at a transaction boundary.
            await host.RunAsync(cancellationToken);
            logger.LogInformation("Aggregator stopped");
            return ExitCodes.Ok;
        });
        return command;
    }
}
