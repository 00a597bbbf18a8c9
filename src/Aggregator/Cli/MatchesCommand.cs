using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator matches`: what the rules matched lately, which of it was sent, and where else each story was seen.</summary>
internal static class MatchesCommand
{
    public static Command Create()
    {
        var rule = new Option<string?>("--rule") { Description = "Only matches of the rule with this name" };
        var since = new Option<string>("--since") { Description = "How far back, e.g. 2d, 12h", DefaultValueFactory = _ => "7d" };
        var limit = EntriesCommand.Limit("At most this many matches", 50);
        var command = new Command("matches", "List recent rule matches, newest first: sent or duplicate, and the other feeds each story was seen in")
        {
            rule, since, limit, EntriesCommand.Json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!Duration.TryParse(parse.GetValue(since), out var window))
            {
                await Console.Error.WriteLineAsync($"--since must be {Duration.Hint}; got \"{parse.GetValue(since)}\"");
                return ExitCodes.BadConfig;
            }
            return await AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
            {
                var name = parse.GetValue(rule);
                var rules = host.Services.GetRequiredService<ConfigFiles>().Current.Rules.Select(r => r.Name).ToList();
                // A rule removed from rules.json still has its matches; a near miss of a configured name is a typo.
                if (name is not null && !rules.Contains(name, StringComparer.Ordinal) && Spelling.Nearest(name, rules) is { } nearest)
                    await Console.Error.WriteLineAsync($"No rule named \"{name}\" in config/rules.json; did you mean \"{nearest}\"? Listing the matches stored under \"{name}\".");
                var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
                var rows = await host.Services.GetRequiredService<MatchStore>().ListAsync(name, now - window, parse.GetValue(limit), cancellationToken);
                foreach (var row in rows)
                {
                    if (parse.GetValue(EntriesCommand.Json))
                        JsonLines.Write(new
                        {
                            row.Id, row.MatchedAt, row.Rule, row.Feed, row.Title, row.Link, row.State, row.DuplicateOf,
                            row.Update, AlsoIn = row.AlsoIn.ToArray(),
                        });
                    else
                        Console.WriteLine(Line(row));
                }
                if (rows.Count == 0 && !parse.GetValue(EntriesCommand.Json))
                    Console.WriteLine($"No matches since {now - window:yyyy-MM-dd HH:mm}Z{(name is null ? "" : $" for rule \"{name}\"")}.");
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    private static string Line(MatchRow row)
    {
        var state = row.DuplicateOf is { } of ? $"duplicate of #{of}" : row.State;
        var also = row.AlsoIn.ToList();
        return $"#{row.Id}  {row.MatchedAt:yyyy-MM-dd HH:mm}Z  {row.Rule}  {row.Feed}  {(row.Update ? "Updated: " : "")}{row.Title ?? "(untitled)"}  [{state}]" +
            (also.Count > 0 ? $"  also in: {string.Join(", ", also)}" : "");
    }
}
