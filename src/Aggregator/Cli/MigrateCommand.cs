using System.CommandLine;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator migrate --to "Host=...;Database=..."`: the configured SQLite database copied into an empty PostgreSQL
/// one, with its history (<see cref="PostgresImport"/>).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var to = new Option<string>("--to")
        {
            Description = "The PostgreSQL connection string to copy into, e.g. \"Host=db.example.org;Database=aggregator;Username=aggregator\" (an empty database)",
            Required = true,
        };
        var command = new Command("migrate", "Copy the SQLite database (Aggregator:Database) into an empty PostgreSQL database, history and all, to run several nodes on it") { to };
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            if (host.Services.GetRequiredService<Database>() is not SqliteDatabase source)
            {
                await Console.Error.WriteLineAsync("migrate copies a SQLite database into PostgreSQL, and the settings already point at PostgreSQL; run it with Aggregator:Database naming the SQLite file.");
                return ExitCodes.BadConfig;
            }
            var connectionString = parse.GetValue(to)!;
            var (target, errors) = StorageTarget.From(new StorageOptions(), new StorageProviderOptions { Provider = StorageTarget.Postgres, ConnectionString = connectionString }, "/");
            if (target is null)
            {
                foreach (var error in errors) await Console.Error.WriteLineAsync(error.Replace(StorageProviderOptions.Section + ":ConnectionString", "--to", StringComparison.Ordinal));
                return ExitCodes.BadConfig;
            }
            using var postgres = new PostgresDatabase(target.Location);
            var import = new PostgresImport(source, postgres);
            var held = (await import.TargetRowsAsync(cancellationToken)).Where(t => t.Value > 0).ToList();
            if (held.Count > 0)
            {
                await Console.Error.WriteLineAsync($"{postgres.Name} is not empty ({string.Join(", ", held.Select(t => $"{t.Value:N0} {t.Key}"))}); " +
                    "migrate copies into an empty database only, so that nothing is mixed or copied twice: create a new database (createdb) and give that.");
                return ExitCodes.Failure;
            }
            Console.WriteLine($"Copying {source.Path} into {postgres.Name}...");
            var copied = await import.CopyAsync((table, rows, total) => Console.WriteLine($"  {table}: {rows:N0} of {total:N0} rows"), cancellationToken);
            Console.WriteLine($"Done: {string.Join(", ", copied.Select(t => $"{t.Value:N0} {t.Key}"))}. Point every node at it: " +
                "Aggregator:Storage:Provider = postgres and Aggregator:Storage:ConnectionString = the same connection string.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
