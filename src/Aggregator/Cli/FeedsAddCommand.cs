using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Refreshing;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator feeds add URL`: finds the feed (the URL itself, or the one a web page links to), reads it, and
/// adds it to config/feeds.json.</summary>
internal static class FeedsAddCommand
{
    public static Command Create()
    {
        var urlArgument = new Argument<string>("url") { Description = "The feed's URL, or a web page that links to its feed" };
        var nameOption = new Option<string?>("--name") { Description = "The feed's name (default: its title)" };
        var tagOption = new Option<string[]>("--tag") { Description = "A tag (repeat for more)", Arity = ArgumentArity.ZeroOrMore };
        var intervalOption = new Option<string?>("--interval") { Description = "How often to poll it, e.g. 30m (default: Polling:Interval)" };
        var command = new Command("add", "Add a feed to config/feeds.json after checking that it can be read") { urlArgument, nameOption, tagOption, intervalOption };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var text = parse.GetValue(urlArgument)!;
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                await Console.Error.WriteLineAsync($"\"{text}\" is not an http:// or https:// URL; give the feed's (or its site's) full address");
                return ExitCodes.BadConfig;
            }
            TimeSpan? interval = null;
            if (parse.GetValue(intervalOption) is { } intervalText)
            {
                if (!Duration.TryParse(intervalText, out var parsed))
                {
                    await Console.Error.WriteLineAsync($"--interval must be {Duration.Hint}; got \"{intervalText}\"");
                    return ExitCodes.BadConfig;
                }
                interval = parsed;
            }
            var tags = (parse.GetValue(tagOption) ?? []).Select(t => t.Trim()).ToArray();
            if (tags.Any(t => t.Length == 0))
            {
                await Console.Error.WriteLineAsync("--tag must not be empty");
                return ExitCodes.BadConfig;
            }
            return await AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
            {
                var editing = await FeedsEditing.LoadAsync(host, cancellationToken);
                if (editing.NameAt(url) is { } known)
                {
                    await Console.Error.WriteLineAsync($"{url} is already in {editing.Display} as \"{known}\".");
                    return ExitCodes.Failure;
                }
                if (parse.GetValue(nameOption) is { } taken && editing.NameTaken(taken))
                {
                    await Console.Error.WriteLineAsync($"{editing.Display} already has a feed named \"{taken}\"; choose another --name.");
                    return ExitCodes.Failure;
                }

                var (found, error) = await host.Services.GetRequiredService<FeedDiscovery>().DiscoverAsync(url, cancellationToken);
                if (found is null)
                {
                    await Console.Error.WriteLineAsync($"Not added: {error}");
                    return ExitCodes.Failure;
                }
                foreach (var address in new[] { found.Url, found.FinalUrl })
                {
                    if (editing.NameAt(address) is { } same)
                    {
                        await Console.Error.WriteLineAsync($"Not added: {url} leads to {address}, which is already in {editing.Display} as \"{same}\".");
                        return ExitCodes.Failure;
                    }
                }
                if (found.Url != url)
                {
                    Console.WriteLine($"{url} is a web page; its feed: {found.Url} ({found.Feed.Version})");
                    foreach (var other in found.Others) Console.WriteLine($"  also offered: {other}");
                }
                var name = parse.GetValue(nameOption) is { } given ? editing.Claim(given, found.Url) : editing.Claim(FeedsEditing.NameFrom(found.Feed.Title, found.Url), found.Url);
                try
                {
                    editing.File.Add([new FeedEntry(name, found.Url, interval, tags)]);
                    await editing.SyncAsync(cancellationToken);
                }
                catch (ConfigException ex)
                {
                    await Console.Error.WriteLineAsync(ex.Message);
                    return ExitCodes.BadConfig;
                }
                Console.WriteLine($"Added \"{name}\" ({found.Url}, {found.Feed.Entries.Count} entries now) to {editing.Display}. " +
                    $"A running service polls it at its next tick; otherwise run `aggregator poll --feed \"{name}\"`.");
                return ExitCodes.Ok;
            });
        });
        return command;
    }
}
