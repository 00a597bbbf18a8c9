using System.CommandLine;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator status` and its alias `aggregator feeds list`: one row per feed.</summary>
internal static class FeedsCommand
{
    private static readonly TimeSpan RateWindow = TimeSpan.FromDays(7);

    public static Command CreateStatus() => WithAction(new Command("status",
        "One row per feed: state (new, ok, erroring, gone, disabled), last success, next poll, entries stored, new entries per day, last error"));

    public static Command CreateFeeds() => new("feeds", "List, add, remove, import and export the feeds of config/feeds.json")
    {
        WithAction(new Command("list", "The same as `aggregator status`")),
        FeedsAddCommand.Create(),
        FeedsRemoveCommand.Create(),
        FeedsImportCommand.Create(),
        FeedsExportCommand.Create(),
    };

    private static Command WithAction(Command command)
    {
        var json = new Option<bool>("--json") { Description = "One JSON object per feed and line" };
        command.Options.Add(json);
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            if (!parse.GetValue(json)) await WriteNodesAsync(host.Services, cancellationToken);
            var feeds = await host.Services.GetRequiredService<FeedStore>().GetAllAsync(cancellationToken);
            var counts = await host.Services.GetRequiredService<EntryStore>().CountByFeedAsync(host.Services.GetRequiredService<TimeProvider>().GetUtcNow() - RateWindow, cancellationToken);
            foreach (var feed in feeds)
            {
                var (stored, recent) = counts.GetValueOrDefault(feed.Id);
                var perDay = Math.Round(recent / RateWindow.TotalDays, 1);
                if (parse.GetValue(json))
                {
                    JsonLines.Write(new
                    {
                        feed.Name, feed.Url, feed.State, Tags = feed.TagList, feed.Title, Entries = stored, NewPerDay = perDay,
                        feed.LastCheckedAt, feed.LastSuccessAt, feed.LastStatus, feed.LastError, feed.ErrorCount, feed.GoneAt, feed.NextCheckAt,
                        Problems = feed.ProblemList,
                    });
                    continue;
                }
                var next = feed.State is "gone" or "disabled" ? "never           " : $"{feed.NextCheckAt:yyyy-MM-dd HH:mm}Z";
                Console.WriteLine($"{feed.Name,-28} {feed.State,-8} {stored,6} entries {perDay,5:0.0}/day  last ok {When(feed.LastSuccessAt)}  next {next}  {feed.Url}");
                if (feed.LastError is not null) Console.WriteLine($"    last error ({feed.ErrorCount}x): {feed.LastError}");
                foreach (var problem in feed.ProblemList) Console.WriteLine($"    problem: {problem}");
            }
            if (!parse.GetValue(json)) await WriteHealthProblemsAsync(host.Services, cancellationToken);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The services running on this database, when there is a cluster to show: on PostgreSQL, or when more than
    /// one has run lately. Alive: heard from within a lease (Aggregator:Cluster:Lease), after which its work is taken over.</summary>
    private static async Task WriteNodesAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<Database>();
        var lease = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ClusterOptions>>().Value.Lease;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var nodes = await services.GetRequiredService<NodeStore>().ListAsync(now - NodeStore.KeptFor, now, cancellationToken);
        if (database.Provider != StorageProvider.Postgres && nodes.Count(n => n.StoppedAt is null && now - n.LastHeartbeatAt <= lease) <= 1) return;
        Console.WriteLine($"nodes on {database.Name} (seen in the last day):");
        foreach (var node in nodes)
        {
            var state = node.StateAt(now, lease);
            Console.WriteLine($"  {node.Id,-32} {node.Host,-20} {state,-7}  last heartbeat {node.LastHeartbeatAt:yyyy-MM-dd HH:mm:ss}Z  " +
                $"last hour: {node.FeedsPolled} feeds polled, {node.AlertsSent} alerts sent");
        }
        if (nodes.Count == 0) Console.WriteLine("  none: no `aggregator run` has run here in the last day");
        Console.WriteLine();
    }

    /// <summary>What the monitor knows to be wrong with itself now (health_problems, recorded when
    /// Aggregator:Health:Notify names someone to tell); nothing when all is well.</summary>
    private static async Task WriteHealthProblemsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var open = await services.GetRequiredService<HealthProblemStore>().GetOpenAsync(cancellationToken);
        if (open.Count == 0) return;
        Console.WriteLine();
        Console.WriteLine("open problems (operational alerts):");
        foreach (var problem in open)
            Console.WriteLine($"  {problem.Kind,-16} since {problem.Since:yyyy-MM-dd HH:mm}Z  {problem.Detail}");
    }

    private static string When(DateTimeOffset? when) => when is { } w ? $"{w:yyyy-MM-dd HH:mm}Z" : "never           ";
}
