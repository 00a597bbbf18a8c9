using System.CommandLine;
using System.Globalization;
using Aggregator.Configuration;
using Aggregator.Rules;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator rules test NAME_OR_QUERY`: a backtest over stored entries, before anyone turns the rule on.</summary>
internal static class RulesCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("rule") { Description = "A rule name from config/rules.json, or a query" };
        var since = new Option<string>("--since") { Description = "How far back, e.g. 30d, 12h", DefaultValueFactory = _ => "30d" };
        var asQuery = new Option<bool>("--query") { Description = "Take the argument as a query, even where a rule has that (or a similar) name" };
        var show = new Option<int>("--show") { Description = "How many of the newest matches to list", DefaultValueFactory = _ => 10 };
        var test = new Command("test", "Backtest a rule or query over stored entries: what would have matched, per feed and per day")
        {
            target, asQuery, since, EntriesCommand.Feed, show, EntriesCommand.Json,
        };
        test.SetAction(async (parse, cancellationToken) =>
        {
            if (!Duration.TryParse(parse.GetValue(since), out var window))
            {
                await Console.Error.WriteLineAsync($"--since must be {Duration.Hint}; got \"{parse.GetValue(since)}\"");
                return ExitCodes.BadConfig;
            }
            return await AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
            {
                var text = parse.GetValue(target)!;
                var rule = parse.GetValue(asQuery) ? null : host.Services.GetRequiredService<ConfigFiles>().Current.Rules
                    .FirstOrDefault(r => string.Equals(r.Name, text, StringComparison.OrdinalIgnoreCase));
                if (rule is null)
                {
                    var quoted = text.Length <= 80 ? text : text[..80] + "…"; // a pasted query can be 100 KB
                    var names = host.Services.GetRequiredService<ConfigFiles>().Current.Rules.Select(r => r.Name);
                    if (!parse.GetValue(asQuery) && !text.Any(char.IsWhiteSpace) && Spelling.Nearest(text, names) is { } nearest)
                    {
                        await Console.Error.WriteLineAsync($"No rule named \"{quoted}\" in config/rules.json; did you mean \"{nearest}\"? To test \"{quoted}\" as a query, add --query.");
                        return ExitCodes.BadConfig;
                    }
                    if (!parse.GetValue(asQuery)) await Console.Error.WriteLineAsync($"\"{quoted}\" is no rule in config/rules.json; testing it as a query.");
                    try
                    {
                        rule = new Rule("(query)", Query.Parse(text, host.Services.GetRequiredService<ConfigFiles>().Current.Terms), null, [], []);
                    }
                    catch (QuerySyntaxException ex)
                    {
                        await Console.Error.WriteLineAsync($"\"{quoted}\" is no rule in config/rules.json, and as a query: {ex.Message}");
                        return ExitCodes.BadConfig;
                    }
                }

                var from = DateTimeOffset.UtcNow - window;
                var scanned = 0;
                var perFeed = new SortedDictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                var perDay = new SortedDictionary<string, int>(StringComparer.Ordinal);
                var newest = new List<(EntryRow Entry, IReadOnlyList<string> Terms)>();
                await foreach (var row in host.Services.GetRequiredService<EntryStore>().ScanAsync(parse.GetValue(EntriesCommand.Feed), from, cancellationToken: cancellationToken))
                {
                    scanned++;
                    if (!rule.AppliesTo(row.FeedName, row.FeedTagList) || rule.Match(row.ToMatchDocument()) is not { } hit) continue;
                    perFeed[row.FeedName] = perFeed.GetValueOrDefault(row.FeedName) + 1;
                    var day = (row.PublishedAt ?? row.FetchedAt).UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                    perDay[day] = perDay.GetValueOrDefault(day) + 1;
                    if (newest.Count < parse.GetValue(show)) newest.Add((row, hit.Terms));
                }

                var matched = perFeed.Values.Sum();
                // For a rule of rules.json, what it did with each of these entries when they came in: sent, or a
                // duplicate of a story it had sent, and the other feeds the story was seen in.
                var stories = rule.Name == "(query)"
                    ? new Dictionary<long, (bool Duplicate, StorySources Story)>()
                    : await host.Services.GetRequiredService<MatchStore>().StoriesOfEntriesAsync(rule.Name, [.. newest.Select(n => n.Entry.Id)], cancellationToken);
                IReadOnlyList<string> AlsoIn(EntryRow entry) => stories.TryGetValue(entry.Id, out var s)
                    ? [.. s.Story.Feeds.Where(f => !string.Equals(f, entry.FeedName, StringComparison.OrdinalIgnoreCase))] : [];
                if (parse.GetValue(EntriesCommand.Json))
                {
                    JsonLines.Write(new
                    {
                        Rule = rule.Name, Query = rule.Query.Text, Since = Iso.ToText(from), Scanned = scanned, Matched = matched,
                        PerFeed = perFeed, PerDay = perDay,
                        Newest = newest.Select(n => new
                        {
                            n.Entry.FeedName, n.Entry.Title, n.Entry.Link, Published = n.Entry.PublishedAt, MatchedTerms = n.Terms,
                            Duplicate = stories.TryGetValue(n.Entry.Id, out var s) ? s.Duplicate : (bool?)null, AlsoIn = AlsoIn(n.Entry),
                        }),
                    });
                    return ExitCodes.Ok;
                }
                Console.WriteLine($"{rule.Name}: {rule.Query.Text}{(rule.Exclude is null ? "" : $"  (exclude: {rule.Exclude.Text})")}");
                Console.WriteLine($"{matched} of {scanned} entries since {from:yyyy-MM-dd HH:mm}Z would have matched");
                if (matched == 0) return ExitCodes.Ok;
                Console.WriteLine("per feed: " + string.Join(", ", perFeed.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}")));
                Console.WriteLine("per day:  " + string.Join(", ", perDay.Select(p => $"{p.Key} {p.Value}")));
                Console.WriteLine("newest:");
                foreach (var (entry, terms) in newest)
                {
                    var story = !stories.TryGetValue(entry.Id, out var s) ? "" : s.Duplicate ? "  (duplicate, not sent)" : "";
                    var also = AlsoIn(entry) is { Count: > 0 } feeds ? $"  also in: {string.Join(", ", feeds)}" : "";
                    Console.WriteLine($"  {entry.PublishedAt ?? entry.FetchedAt:yyyy-MM-dd HH:mm}Z  {entry.FeedName}  {entry.Title}  [{string.Join(", ", terms)}]{story}{also}");
                }
                return ExitCodes.Ok;
            });
        });
        return new Command("rules", "Work with rules") { test };
    }
}
