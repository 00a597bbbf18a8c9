using System.CommandLine;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

internal static class FeedsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per feed and line" };
        var list = new Command("list", "List the feeds with their state, last success, last error and entries stored") { json };
        list.SetAction(async (parse, cancellationToken) =>
        {
            using var host = AppHost.Build(parse);
            if (await AppHost.PrepareAsync(host, cancellationToken) is { } failed) return failed;
            var feeds = await host.Services.GetRequiredService<FeedStore>().GetAllAsync(cancellationToken);
            var counts = await host.Services.GetRequiredService<EntryStore>().CountByFeedAsync(cancellationToken);
            foreach (var feed in feeds)
            {
                var state = feed.State;
                var entries = counts.GetValueOrDefault(feed.Id);
                if (parse.GetValue(json))
                {
                    JsonLines.Write(new
                    {
                        feed.Name, feed.Url, State = state, Tags = feed.TagList, feed.Title, Entries = entries,
                        feed.LastCheckedAt, feed.LastSuccessAt, feed.LastStatus, feed.LastError, feed.ErrorCount, feed.NextCheckAt,
                    });
                }
                else
                {
                    var line = $"{feed.Name,-28} {state,-8} {entries,6} entries  last ok {Ago(feed.LastSuccessAt)}  next {feed.NextCheckAt:yyyy-MM-dd HH:mm}Z  {feed.Url}";
                    if (feed.LastError is not null) line += $"{Environment.NewLine}    last error ({feed.ErrorCount}x): {feed.LastError}";
                    Console.WriteLine(line);
                }
            }
            return ExitCodes.Ok;
        });
        return new Command("feeds", "Show the configured feeds") { list };
    }

    private static string Ago(DateTimeOffset? when) => when is { } w ? $"{w:yyyy-MM-dd HH:mm}Z" : "never          ";
}
