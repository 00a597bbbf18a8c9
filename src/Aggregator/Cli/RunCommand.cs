using System.CommandLine;
using Microsoft.Extensions.Hosting;

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
            // The host's console lifetime handles Ctrl+C and SIGTERM: Quartz stops, waiting for the running jobs,
            // which abandon their in-flight polls at a transaction boundary.
            await host.RunAsync(cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }
}
