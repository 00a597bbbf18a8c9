using System.CommandLine;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator backup FILE`: a consistent copy of the database, taken while the service may be running.</summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Where to write the copy (a new file)" };
        var command = new Command("backup", "Copy the database to FILE while the service may be running (SQLite's online backup); restore by copying it back with the service stopped") { file };
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            var destination = parse.GetValue(file)!;
            var database = host.Services.GetRequiredService<Database>();
            try
            {
                var bytes = await ProgressDisplay.RunAsync("MiB copied", progress =>
                    host.Services.GetRequiredService<DatabaseBackup>().CopyToAsync(destination,
                        (pages, total) => progress.Report(pages * 4096.0 / (1 << 20), total * 4096.0 / (1 << 20)), cancellationToken));
                Console.WriteLine($"Backed up {database.Name} to {Path.GetFullPath(destination)} ({bytes / 1048576.0:0.0} MiB, checked). " +
                    "To restore: stop the service, copy it over the database and delete any -wal and -shm files beside it.");
                return ExitCodes.Ok;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Backup not written: {ex.Message}");
                return ExitCodes.Failure;
            }
        }));
        return command;
    }
}
