using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

internal static class EntriesCommand
{
    public static readonly Option<string?> Feed = new("--feed") { Description = "Only entries of the feed with this name" };
    public static readonly Option<string?> Since = new("--since") { Description = "Only entries published within this long, e.g. 2d, 12h" };
    public static readonly Option<bool> Json = new("--json") { Description = "One JSON object per entry and line" };

    public static Command Create()
    {
        var limit = Limit("At most this many entries", 50);
        var command = new Command("entries", "List stored entries, newest first") { Feed, Since, limit, Json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!TryGetSince(parse, out var since)) return ExitCodes.BadConfig;
            return await AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
            {
                var rows = await host.Services.GetRequiredService<EntryStore>().ListAsync(parse.GetValue(Feed), since, parse.GetValue(limit), cancellationToken);
                foreach (var row in rows) EntryOutput.Write(row, parse.GetValue(Json));
                return ExitCodes.Ok;
            });
        });
        return command;
    }

    /// <summary>--limit: a positive count; anything else is a usage error before the command runs.</summary>
    public static Option<int> Limit(string description, int byDefault)
    {
        var limit = new Option<int>("--limit") { Description = description, DefaultValueFactory = _ => byDefault };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1) result.AddError($"--limit must be 1 or more, got {result.GetValueOrDefault<int>()}");
        });
        return limit;
    }

    /// <summary>--since as an absolute UTC time; prints the error and returns false when it is not a duration.</summary>
    public static bool TryGetSince(ParseResult parse, out DateTimeOffset? since)
    {
        since = null;
        if (parse.GetValue(Since) is not { } text) return true;
        if (!Duration.TryParse(text, out var span))
        {
            Console.Error.WriteLine($"--since must be {Duration.Hint}; got \"{text}\"");
            return false;
        }
        since = DateTimeOffset.UtcNow - span;
        return true;
    }
}
