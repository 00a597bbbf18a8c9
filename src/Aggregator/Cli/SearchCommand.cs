using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Rules;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

internal static class SearchCommand
{
    public static Command Create()
    {
        var queryArgument = new Argument<string>("query") { Description = "A query in the rule language, e.g. 'Hezbollah AND Russia'" };
        var limit = EntriesCommand.Limit("At most this many results", 50);
        var command = new Command("search", "Search stored entries with the rule language (same matcher as the rules)")
        {
            queryArgument, EntriesCommand.Feed, EntriesCommand.Since, limit, EntriesCommand.Json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!EntriesCommand.TryGetSince(parse, out var since)) return ExitCodes.BadConfig;
            return await AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
            {
                Query query;
                try
                {
                    // After the config is read: @name in the query means a term list from rules.json.
                    query = Query.Parse(parse.GetValue(queryArgument)!, host.Services.GetRequiredService<ConfigFiles>().Current.Terms);
                }
                catch (QuerySyntaxException ex)
                {
                    await Console.Error.WriteLineAsync($"query: {ex.Message}");
                    return ExitCodes.BadConfig;
                }

                var found = 0;
                var max = parse.GetValue(limit);
                var store = host.Services.GetRequiredService<EntryStore>();
                var feed = parse.GetValue(EntriesCommand.Feed);
                // The full-text index (our own folded words, any script) narrows the scan when the query needs some
                // word; the matcher has the last word.
                IAsyncEnumerable<EntryRow> rows;
                if (query.RequiredTextWords is { } words)
                {
                    await host.Services.GetRequiredService<SearchIndex>().UpdateAsync(cancellationToken);
                    rows = store.ScanContainingAnyAsync(words, feed, since, cancellationToken);
                }
                else
                {
                    rows = store.ScanAsync(feed, since, cancellationToken: cancellationToken);
                }
                await foreach (var row in rows)
                {
                    if (query.Match(row.ToMatchDocument()) is not { } hit) continue;
                    EntryOutput.Write(row, parse.GetValue(EntriesCommand.Json), hit.Terms);
                    if (++found >= max) break;
                }
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
