using System.CommandLine;
using Aggregator.Notifications;
using Aggregator.Refreshing;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

internal static class PollCommand
{
    public static Command Create()
    {
        var feedOption = new Option<string?>("--feed") { Description = "Poll only the feed with this name" };
        var force = new Option<bool>("--force")
        {
            Description = "Also poll feeds whose server asked us to wait (429/503 Retry-After) or said they are gone (410)",
        };
        var dryRun = new Option<bool>("--dry-run")
        {
            Description = "Fetch, parse and match, print what would be sent, and write nothing (no entries, matches, alerts or fetch state)",
        };
        var command = new Command("poll", "Poll every feed (or one) once, deliver pending alerts, then exit; exit code 1 if any feed could not be read")
        {
            feedOption,
            force,
            dryRun,
        };
        // A dry run sends nothing, so it needs no notifier secrets.
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, parse.GetValue(dryRun) ? CommandKind.Reads : CommandKind.Sends, cancellationToken, async host =>
        {
            var services = host.Services;
            var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
            var all = (await services.GetRequiredService<FeedStore>().GetAllAsync(cancellationToken)).Where(f => f.Enabled).ToList();
            List<FeedRow> feeds;
            if (parse.GetValue(feedOption) is { } only)
            {
                // Named, a gone feed is polled (that is how to check it came back); a server's wait still holds.
                feeds = all.Where(f => string.Equals(f.Name, only, StringComparison.OrdinalIgnoreCase)).ToList();
                if (feeds.Count == 0)
                {
                    await Console.Error.WriteLineAsync($"No feed named \"{only}\" in config/feeds.json. Run `aggregator feeds list` to see the names.");
                    return ExitCodes.BadConfig;
                }
            }
            else
            {
                // A cron user wants every feed now, whatever its interval says; but not one whose server said 410 Gone,
                // and not one whose server asked us to wait: the service keeps those promises, and so does `poll`.
                feeds = all.Where(f => f.GoneAt is null).ToList();
                foreach (var gone in all.Where(f => f.GoneAt is not null))
                {
                    if (parse.GetValue(force)) feeds.Add(gone);
                    else Console.WriteLine($"gone  {gone.Name}  410 since {gone.GoneAt:yyyy-MM-dd}; not polled: change its URL in config/feeds.json or remove it (--force polls it anyway)");
                }
            }
            if (!parse.GetValue(force))
            {
                foreach (var waiting in feeds.Where(f => f.RetryAfter > now))
                    Console.WriteLine($"wait  {waiting.Name}  {waiting.LastStatus} until {waiting.RetryAfter:yyyy-MM-dd HH:mm:ss}Z, as its server asked (Retry-After); not polled (--force polls it anyway)");
                feeds.RemoveAll(f => f.RetryAfter > now);
            }

            var width = Math.Clamp(feeds.Count == 0 ? 4 : feeds.Max(f => f.Name.Length), 4, 40);
            if (parse.GetValue(dryRun)) return await DryRunAsync(services, feeds, width, cancellationToken);
            // On a terminal a progress bar, then the feeds worth a line (failures, new entries); to a pipe, a file or cron,
            // each feed's line as it finishes.
            var onTerminal = ProgressDisplay.OnTerminal;
            var done = 0;
            var (reports, drain) = await ProgressDisplay.RunAsync("feeds polled", progress => PollAsync(services, feeds, report =>
            {
                if (onTerminal) progress.Report(Interlocked.Increment(ref done), feeds.Count);
                else Console.WriteLine(Describe(report, width));
            }, cancellationToken));
            if (onTerminal)
            {
                foreach (var report in reports.Where(r => !r.Succeeded || r.NewEntries > 0 || r.UpdatedEntries > 0)) Console.WriteLine(Describe(report, width));
            }

            var failedCount = reports.Count(r => !r.Succeeded);
            var busy = reports.Count(r => r.PolledElsewhere);
            Console.WriteLine(
                $"{reports.Count} feeds: {reports.Count - failedCount - busy} read ({reports.Count(r => r.NotModified)} not modified), {failedCount} failed" +
                (busy > 0 ? $", {busy} left to the nodes polling them" : "") + "; " +
                $"{reports.Sum(r => r.NewEntries)} new entries; {reports.Sum(r => r.Alerts)} alerts queued; " +
                (drain.OtherProcessDelivering
                    ? "delivery left to the aggregator process already delivering from this database"
                    : $"delivered {drain.Delivered}, retrying {drain.Retrying}, dead-lettered {drain.Dead}") +
                (drain.ClaimedElsewhere is { } claimed
                    ? $"; {claimed.Alerts} due alerts claimed by other nodes until {claimed.Until?.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z at the latest (a node that stopped hands them over then)"
                    : ""));
            return failedCount == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        }));
        return command;
    }

    /// <summary>One cycle over <paramref name="feeds"/>, alerts going out as feeds queue them and what else is due after
    /// the cycle: what `poll` does once it has chosen the feeds (the tests' in-process host runs it too).</summary>
    /// <param name="finished">Called with each feed's report as soon as that feed is done.</param>
    internal static async Task<(IReadOnlyList<RefreshReport> Reports, DrainReport Drain)> PollAsync(IServiceProvider services,
        IReadOnlyList<FeedRow> feeds, Action<RefreshReport>? finished, CancellationToken cancellationToken)
    {
        var delivery = services.GetRequiredService<OutboxDispatcher>().StartAlongsidePolling(cancellationToken);
        IReadOnlyList<RefreshReport> reports;
        DrainReport drain;
        try
        {
            reports = await services.GetRequiredService<PollCycle>().RunAsync(feeds, cancellationToken, delivery.AlertsQueued, finished);
        }
        finally
        {
            drain = await delivery.FinishAsync();
        }
        return (reports, drain);
    }

    /// <summary>`poll --dry-run`: each feed fetched, parsed and matched as by a poll, in a transaction that is rolled back;
    /// then what would have been sent. Duplicates are judged against what is stored, not against each other in this
    /// run (each feed's transaction is gone before the next looks).</summary>
    private static async Task<int> DryRunAsync(IServiceProvider services, IReadOnlyList<FeedRow> feeds, int width, CancellationToken cancellationToken)
    {
        var refresher = services.GetRequiredService<FeedRefresher>();
        // Never flushed: a dry run records no 304 either.
        var notModified = new NotModifiedChecks(services.GetRequiredService<Database>(), services.GetRequiredService<ILogger<PollCycle>>());
        var reports = new RefreshReport[feeds.Count];
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = services.GetRequiredService<IOptions<PollingOptions>>().Value.MaxConcurrency,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(Enumerable.Range(0, feeds.Count), parallel,
            async (i, ct) => reports[i] = await refresher.RefreshAsync(feeds[i], notModified, ct, dryRun: true));
        foreach (var report in reports) Console.WriteLine(Describe(report, width, notes: false));
        var notes = reports.SelectMany(r => r.Notes).ToList();
        foreach (var note in notes)
        {
            var title = $"{(note.Update ? "Updated: " : "")}{note.Title ?? "(untitled)"}";
            Console.WriteLine(note.DuplicateOf is { } of
                ? $"duplicate   [{note.Rule}]  {note.Feed}  {title}  duplicate of {of.Feed}: {of.Title}{AlsoIn(note)}"
                : $"would send  [{note.Rule}]  {note.Feed}  {title}  to {(note.Notifiers.Count == 0 ? "(no notifier)" : string.Join(", ", note.Notifiers))}");
        }
        var failed = reports.Count(r => !r.Succeeded);
        Console.WriteLine($"dry run: {reports.Length} feeds, {failed} failed; {reports.Sum(r => r.NewEntries)} new and {reports.Sum(r => r.UpdatedEntries)} updated entries; " +
            $"{notes.Count(n => n.DuplicateOf is null)} matches would be sent, {notes.Count(n => n.DuplicateOf is not null)} duplicates; nothing was written or sent");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Failure;
    }

    private static string AlsoIn(MatchNote note) => note.AlsoIn.Count > 0 ? $"; also in: {string.Join(", ", note.AlsoIn)}" : "";

    private static string Describe(RefreshReport report, int width, bool notes = true)
    {
        var status = report.Status?.ToString() ?? "-";
        var name = report.Feed.Length > width ? report.Feed[..(width - 1)] + "…" : report.Feed.PadRight(width);
        var ms = $"{report.Elapsed.TotalMilliseconds:0} ms";
        if (report.PolledElsewhere) return $"busy  {name}    -  being polled by another node right now; left to it";
        if (!report.Succeeded) return $"FAIL  {name}  {status,3}  {report.Error}  ({report.Url})";
        if (report.NotModified) return $"ok    {name}  {status,3}  not modified  {ms}";
        var what = $"{report.EntriesSeen} entries, {report.NewEntries} new";
        if (report.UpdatedEntries > 0) what += $", {report.UpdatedEntries} updated";
        what += report.Backlog ? " (first poll: stored without alerting)" : $", {report.Alerts} alerts";
        if (report.Duplicates > 0) what += $", {report.Duplicates} duplicate stories not alerted";
        if (report.Problems.Count > 0) what += $"; {report.Problems.Count} problems: {report.Problems[0]}";
        var line = $"ok    {name}  {status,3}  {what}  {ms}";
        if (!notes) return line;
        // The duplicates: which alert each was the same story as, and where else the story was seen.
        foreach (var note in report.Notes.Where(n => n.DuplicateOf is not null))
            line += $"{Environment.NewLine}      duplicate [{note.Rule}] {note.Title}: already sent from {note.DuplicateOf!.Value.Feed} ({note.DuplicateOf.Value.Title}){AlsoIn(note)}";
        return line;
    }
}
