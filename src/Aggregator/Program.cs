using System.CommandLine;
using Aggregator.Cli;

var root = new RootCommand("Aggregator: a feed monitor. Polls RSS/Atom/JSON feeds, stores every entry in SQLite and alerts on keyword rules.")
{
    AppHost.ContentRoot,
};
root.Subcommands.Add(RunCommand.Create());
root.Subcommands.Add(PollCommand.Create());
root.Subcommands.Add(ParseCommand.Create());
root.Subcommands.Add(FeedsCommand.Create());
root.Subcommands.Add(EntriesCommand.Create());
root.Subcommands.Add(SearchCommand.Create());
root.Subcommands.Add(OutboxCommand.Create());

// The host's console lifetime owns Ctrl+C and SIGTERM (graceful stop); System.CommandLine must not race it.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
