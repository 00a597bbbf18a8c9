using System.CommandLine;
using Aggregator.Cli;

AppHost.LogFormat.AcceptOnlyFromAmong(LogOptions.Simple, LogOptions.Json);
var root = new RootCommand("Aggregator: a feed monitor. Polls RSS/Atom/JSON feeds, stores every entry in SQLite and alerts on keyword rules.")
{
    AppHost.ContentRoot,
    AppHost.LogFormat,
};
root.Subcommands.Add(InitCommand.Create());
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(PollCommand.Create());
root.Subcommands.Add(ParseCommand.Create());
root.Subcommands.Add(FeedsCommand.CreateStatus());
root.Subcommands.Add(FeedsCommand.CreateFeeds());
root.Subcommands.Add(EntriesCommand.Create());
root.Subcommands.Add(SearchCommand.Create());
root.Subcommands.Add(RulesCommand.Create());
root.Subcommands.Add(MatchesCommand.Create());
root.Subcommands.Add(OutboxCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(VacuumCommand.Create());
root.Subcommands.Add(MigrateCommand.Create());

// No response files: System.CommandLine would read `search '@hezbollah'` as "take the arguments from the file
// hezbollah", and @name is how a query names a term list.
var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
if (parsed.Errors.Count > 0)
{
    // A usage error is a configuration error of the command line: exit code 2, as documented.
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("Add --help to see the usage.");
    return ExitCodes.BadConfig;
}
try
{
    // The host's console lifetime owns Ctrl+C and SIGTERM (graceful stop); System.CommandLine must not race it.
    return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false });
}
catch (InvalidDataException ex) when (ex.InnerException?.InnerException is System.Text.Json.JsonException json)
{
    // appsettings.json that is not JSON fails while the host is built, before any command can check it.
    Console.Error.WriteLine($"{ex.Message.Replace("Failed to load configuration from file", "Cannot read").TrimEnd('.')}: line {json.LineNumber + 1}: {json.Message.Split(" LineNumber")[0]}");
    return ExitCodes.BadConfig;
}
