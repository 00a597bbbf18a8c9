using System.CommandLine;
using Aggregator.Configuration;

namespace Aggregator.Cli;

/// <summary>`aggregator feeds remove NAME`: cuts the feed out of config/feeds.json. Its entries stay in the database.</summary>
internal static class FeedsRemoveCommand
{
    public static Command Create()
    {
        var nameArgument = new Argument<string>("name") { Description = "The feed's name in config/feeds.json" };
        var command = new Command("remove", "Remove a feed from config/feeds.json (its stored entries stay)") { nameArgument };
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            var name = parse.GetValue(nameArgument)!;
            var editing = await FeedsEditing.LoadAsync(host, cancellationToken);
            var config = editing.Config.Current;
            if (config.Feeds.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) is not { } feed)
            {
                await Console.Error.WriteLineAsync($"No feed named \"{name}\" in {editing.Display}. Run `aggregator feeds list` to see the names.");
                return ExitCodes.Failure;
            }
            // A rule that names the feed, or a tag only it has, would make config/ invalid: say so instead.
            var others = config.Feeds.Where(f => f != feed).ToList();
            foreach (var rule in config.Rules)
            {
                foreach (var scope in rule.Feeds)
                {
                    var orphaned = scope.Tag is { } tag
                        ? feed.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase) && !others.Any(f => f.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
                        : string.Equals(scope.FeedName, feed.Name, StringComparison.OrdinalIgnoreCase);
                    if (!orphaned) continue;
                    await Console.Error.WriteLineAsync($"Not removed: rule \"{rule.Name}\" in config/rules.json names \"{scope}\" in \"feeds\", " +
                        $"which only \"{feed.Name}\" is; change the rule first.");
                    return ExitCodes.Failure;
                }
            }
            try
            {
                editing.File.Remove(feed.Name);
                await editing.SyncAsync(cancellationToken);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.BadConfig;
            }
            Console.WriteLine($"Removed \"{feed.Name}\" ({feed.Url}) from {editing.Display}; its entries stay in the database.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
