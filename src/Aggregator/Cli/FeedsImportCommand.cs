using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Fetching;
using Aggregator.Parsing;
using Aggregator.Refreshing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

/// <summary>`aggregator feeds import FILE.opml`: adds the subscriptions another reader exported. Folders become tags,
/// feeds already in config/feeds.json are skipped, so importing the same file twice changes nothing.</summary>
internal static class FeedsImportCommand
{
    public static Command Create()
    {
        var fileArgument = new Argument<string>("file") { Description = "An OPML file (1.0 or 2.0), as feed readers export it" };
        var check = new Option<bool>("--check") { Description = "Fetch and parse each new feed first; those that cannot be read are skipped" };
        var command = new Command("import", "Add the feeds of an OPML file to config/feeds.json (folders become tags; duplicates skipped)") { fileArgument, check };
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            var file = parse.GetValue(fileArgument)!;
            IReadOnlyList<OpmlFeed> listed;
            var skipped = new List<string>();
            try
            {
                (listed, var unusable) = OpmlReader.Read(file);
                skipped.AddRange(unusable);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync($"Cannot import {ex.Errors[0]}");
                return ExitCodes.BadConfig;
            }
            var editing = await FeedsEditing.LoadAsync(host, cancellationToken);
            var candidates = new List<(OpmlFeed Feed, Uri Url)>();
            foreach (var feed in listed)
            {
                var url = new Uri(feed.XmlUrl);
                if (editing.NameAt(url) is { } known) skipped.Add($"{feed.XmlUrl}: already in {editing.Display} as \"{known}\"");
                else candidates.Add((feed, url));
            }
            if (parse.GetValue(check) && candidates.Count > 0)
            {
                var failures = await CheckAsync(host.Services, candidates.Select(c => c.Url).ToList(), cancellationToken);
                skipped.AddRange(failures.Select(f => $"{f.Key}: {f.Value}"));
                candidates.RemoveAll(c => failures.ContainsKey(c.Url));
            }
            var added = candidates.Select(c => new FeedEntry(editing.Claim(FeedsEditing.NameFrom(c.Feed.Title, c.Url), c.Url), c.Url, null, c.Feed.Folders)).ToList();
            if (added.Count == 0)
            {
                Console.WriteLine($"Nothing to add: of the {listed.Count} feeds in {file}, none is new to {editing.Display}.");
                foreach (var reason in skipped) Console.WriteLine($"  skipped {reason}");
                return ExitCodes.Ok;
            }
            try
            {
                editing.File.Add(added);
                await editing.SyncAsync(cancellationToken);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.BadConfig;
            }
            Console.WriteLine($"Imported {file}: added {added.Count} feeds to {editing.Display}, skipped {skipped.Count}.");
            foreach (var feed in added) Console.WriteLine($"  added \"{feed.Name}\" {feed.Url}{(feed.Tags.Count > 0 ? $" [{string.Join(", ", feed.Tags)}]" : "")}");
            foreach (var reason in skipped) Console.WriteLine($"  skipped {reason}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Fetches and parses each feed as a poll would, Polling:MaxConcurrency at once.</summary>
    /// <returns>The feeds that could not be read, and why.</returns>
    private static async Task<Dictionary<Uri, string>> CheckAsync(IServiceProvider services, IReadOnlyList<Uri> urls, CancellationToken cancellationToken)
    {
        var fetcher = services.GetRequiredService<FeedFetcher>();
        var parser = services.GetRequiredService<FeedParser>();
        var failures = new System.Collections.Concurrent.ConcurrentDictionary<Uri, string>();
        var done = 0;
        await ProgressDisplay.RunAsync("feeds checked", async progress =>
        {
            var parallel = new ParallelOptions
            {
                MaxDegreeOfParallelism = services.GetRequiredService<IOptions<PollingOptions>>().Value.MaxConcurrency,
                CancellationToken = cancellationToken,
            };
            await Parallel.ForEachAsync(urls, parallel, async (url, ct) =>
            {
                var fetch = await fetcher.FetchAsync(url, null, null, ct);
                if (fetch.Outcome != FetchOutcome.Fetched) failures[url] = fetch.Error ?? $"HTTP {fetch.StatusCode}";
                else
                {
                    using var body = fetch.Body!;
                    if (parser.Parse(body.Memory, fetch.FinalUrl ?? url, fetch.ContentType).Error is { } error) failures[url] = error;
                }
                progress.Report(Interlocked.Increment(ref done), urls.Count);
            });
            return true;
        });
        return new Dictionary<Uri, string>(failures);
    }
}
