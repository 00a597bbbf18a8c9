using System.Globalization;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Notifications;

/// <summary>The monitor watching itself (Aggregator:Health:Notify): compares what is wrong now (feeds failing, gone,
/// moved or silent; deliveries dead-lettered; notifiers failing) with the problems recorded in health_problems, and
/// queues an operational alert in the outbox for each problem that starts and each that recovers, in the transaction
/// that records the change. State lives in the database, so a restart does not alert again, and of several nodes
/// evaluating at once only the one whose write lands queues the alert (<see cref="HealthProblemStore.OpenAsync"/>).</summary>
public sealed partial class HealthAlerts(
    Database database,
    FeedStore feeds,
    EntryStore entries,
    OutboxStore outbox,
    HealthProblemStore problems,
    IOptions<HealthAlertOptions> options,
    TimeProvider time,
    ILogger<HealthAlerts> logger)
{
    public const string FeedFailing = "feed_failing";
    public const string FeedGone = "feed_gone";
    public const string FeedMoved = "feed_moved";
    public const string FeedSilent = "feed_silent";
    public const string DeadLetter = "dead_letter";
    public const string NotifierFailing = "notifier_failing";

    /// <summary>A feed's rhythm needs this many polls that brought new entries before silence means anything.</summary>
    public const int SilenceHistory = 5;

    /// <summary>The arrivals a feed's rhythm is taken from: the most recent ones, so a feed that changed pace is judged by its new one.</summary>
    private const int RhythmWindow = 21;

    /// <summary>Silence reads every feed's recent entries: at most this often, however often the poll cycle runs.</summary>
    public static readonly TimeSpan SilenceCheckEvery = TimeSpan.FromMinutes(10);

    private DateTimeOffset? _lastSilenceCheck;
    private readonly SemaphoreSlim _checking = new(1, 1);

    public bool Enabled => options.Value.Notify.Count > 0;

    /// <summary>What one check found wrong with one subject.</summary>
    private sealed record Found(string Kind, string Subject, string Headline, string Detail, string? Feed = null, string? FeedUrl = null);

    /// <summary><see cref="CheckAsync"/> for the poll cycle and delivery, which must go on whatever happens to it: a
    /// failure is logged, and the next check tries again.</summary>
    public async Task<int> TryCheckAsync(HealthChecks scope, CancellationToken cancellationToken)
    {
        if (!Enabled) return 0;
        try
        {
            return await CheckAsync(scope, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogCheckFailed(ex, scope);
            return 0;
        }
    }

    /// <summary>Finds what is wrong now among <paramref name="scope"/>, and alerts each change since the last check.</summary>
    /// <returns>How many operational alerts were queued.</returns>
    public async Task<int> CheckAsync(HealthChecks scope, CancellationToken cancellationToken)
    {
        if (!Enabled) return 0;
        await _checking.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            var kinds = new HashSet<string>();
            var found = new List<Found>();
            var feedRows = new Dictionary<string, FeedRow>(StringComparer.Ordinal);
            if (scope.HasFlag(HealthChecks.Feeds))
            {
                var all = await feeds.GetAllAsync(cancellationToken);
                foreach (var feed in all) feedRows[feed.Name] = feed;
                kinds.UnionWith([FeedFailing, FeedGone, FeedMoved]);
                found.AddRange(all.Where(f => f.Enabled).SelectMany(f => FeedProblems(f, now)));
                if (_lastSilenceCheck is not { } last || now - last >= SilenceCheckEvery)
                {
                    _lastSilenceCheck = now;
                    kinds.Add(FeedSilent);
                    found.AddRange(await SilentFeedsAsync(all, now, cancellationToken));
                }
            }
            if (scope.HasFlag(HealthChecks.Deliveries))
            {
                kinds.UnionWith([DeadLetter, NotifierFailing]);
                found.AddRange((await outbox.GetDeadLettersAsync(cancellationToken)).Select(DeadLettered));
                found.AddRange((await outbox.GetFailingNotifiersAsync(cancellationToken))
                    .Where(n => now - n.FirstFailure >= options.Value.NotifierFailingFor).Select(n => Failing(n, now)));
            }

            var open = (await problems.GetOpenAsync(cancellationToken)).Where(p => kinds.Contains(p.Kind)).ToList();
            var openKeys = open.Select(p => (p.Kind, p.Subject)).ToHashSet();
            var foundKeys = found.Select(f => (f.Kind, f.Subject)).ToHashSet();
            var queued = 0;
            foreach (var problem in found.Where(f => !openKeys.Contains((f.Kind, f.Subject))))
                queued += await StartAsync(problem, now, cancellationToken);
            foreach (var problem in open.Where(p => !foundKeys.Contains((p.Kind, p.Subject))))
                queued += await EndAsync(problem, feedRows.GetValueOrDefault(problem.Kind == FeedMoved ? "" : problem.Subject), now, cancellationToken);
            return queued;
        }
        finally
        {
            _checking.Release();
        }
    }

    private IEnumerable<Found> FeedProblems(FeedRow feed, DateTimeOffset now)
    {
        var settings = options.Value;
        if (feed.GoneAt is not null)
        {
            yield return new Found(FeedGone, feed.Name, $"Feed '{feed.Name}' is gone (410)",
                $"The server answered 410 Gone for {feed.Url} on {AlertText.Date(feed.GoneAt.Value)}, so the feed is no longer polled; " +
                "give it a new URL in config/feeds.json or remove it.", feed.Name, feed.Url);
            yield break;
        }
        var failingSince = feed.LastSuccessAt ?? feed.CreatedAt;
        if (feed.ErrorCount >= settings.FailingPolls || (feed.ErrorCount > 0 && now - failingSince >= settings.FailingFor))
        {
            var success = feed.LastSuccessAt is { } at ? $"last read {AlertText.Date(at)}" : "never read";
            yield return new Found(FeedFailing, feed.Name, $"Feed '{feed.Name}' is failing",
                $"Feed '{feed.Name}' ({feed.Url}) has failed {feed.ErrorCount} polls in a row ({success}); last error: {feed.LastError ?? "unknown"}.",
                feed.Name, feed.Url);
        }
        if (!string.Equals(feed.Url, feed.ConfigUrl, StringComparison.Ordinal))
        {
            // The new URL is part of the subject: a feed that moves again is a new problem, alerted again.
            yield return new Found(FeedMoved, $"{feed.Name} {feed.Url}", $"Feed '{feed.Name}' moved to {feed.Url}",
                $"The server redirected {feed.ConfigUrl} permanently (301/308) to {feed.Url}, where it is polled from now on; " +
                "put the new URL in config/feeds.json.", feed.Name, feed.Url);
        }
    }

    /// <summary>Feeds with no new entry for SilentFactor times their usual gap between new entries (the median of
    /// their recent ones), and for at least SilentAtLeast; a feed needs <see cref="SilenceHistory"/> polls that brought
    /// news before it is judged.</summary>
    private async Task<IEnumerable<Found>> SilentFeedsAsync(IReadOnlyList<FeedRow> all, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var byFeed = (await entries.GetRecentArrivalsAsync(RhythmWindow, cancellationToken)).GroupBy(a => a.FeedId)
            .ToDictionary(g => g.Key, g => g.Select(a => a.FetchedAt).Order().ToList());
        var silent = new List<Found>();
        foreach (var feed in all.Where(f => f.Enabled && f.GoneAt is null))
        {
            if (!byFeed.TryGetValue(feed.Id, out var arrivals) || arrivals.Count < SilenceHistory) continue;
            var gap = UsualGap(arrivals);
            var threshold = gap * settings.SilentFactor;
            if (threshold < settings.SilentAtLeast) threshold = settings.SilentAtLeast;
            var quiet = now - arrivals[^1];
            if (quiet < threshold) continue;
            silent.Add(new Found(FeedSilent, feed.Name, $"Feed '{feed.Name}' is silent",
                $"Feed '{feed.Name}' ({feed.Url}) has brought no new entry for {Span(quiet)} (since {AlertText.Date(arrivals[^1])}); " +
                $"it usually brings one every {Span(gap)}. Check that the feed still publishes where it is read.", feed.Name, feed.Url));
        }
        return silent;
    }

    /// <summary>The median gap between consecutive arrivals.</summary>
    internal static TimeSpan UsualGap(IReadOnlyList<DateTimeOffset> arrivals)
    {
        var gaps = arrivals.Zip(arrivals.Skip(1), (a, b) => b - a).Order().ToList();
        return gaps.Count % 2 == 1 ? gaps[gaps.Count / 2] : (gaps[gaps.Count / 2 - 1] + gaps[gaps.Count / 2]) / 2;
    }

    private static Found DeadLettered(OutboxRow row)
    {
        var alert = AlertJson.Deserialize(row.Payload);
        return new Found(DeadLetter, row.Id, $"An alert of rule '{AlertText.OneLine(alert.Rule)}' was dead-lettered",
            $"Delivery {row.Id} via '{row.Notifier}' ({AlertText.Title(alert)}, feed '{AlertText.OneLine(alert.Feed)}') was given up on: {row.LastError}. " +
            $"Fix the cause, then `aggregator outbox retry {row.Id}`.", alert.Feed, alert.FeedUrl);
    }

    private static Found Failing(FailingNotifier notifier, DateTimeOffset now) =>
        new(NotifierFailing, notifier.Notifier, $"Notifier '{notifier.Notifier}' is failing",
            $"Every attempt through notifier '{notifier.Notifier}' for {Span(now - notifier.FirstFailure)} has failed ({notifier.Failures} attempts since " +
            $"{AlertText.Date(notifier.FirstFailure)}); last error: {notifier.LastError ?? "unknown"}. Check its settings under \"Notifiers\" and the receiving end.");

    /// <summary>Records a new problem and queues its alert to every health notifier, in one transaction.</summary>
    private async Task<int> StartAsync(Found problem, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        if (await HealthProblemStore.OpenAsync(write, problem.Kind, problem.Subject, problem.Detail, now) is not { } id) return 0;
        var queued = await QueueAsync(write, id, problem.Kind, "problem", problem.Subject, problem.Headline, problem.Detail, problem.Feed, problem.FeedUrl, now, now);
        await write.CommitAsync(cancellationToken);
        LogProblem(problem.Kind, problem.Subject, problem.Detail);
        return queued;
    }

    /// <summary>Records a problem as ended and, for those that recover (a feed read again, a notifier delivering),
    /// queues the recovery. Gone, moved and dead-letter problems end quietly: the feed was given a new URL, the
    /// delivery was retried; nothing there needs telling.</summary>
    private async Task<int> EndAsync(HealthProblemRow problem, FeedRow? feed, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var write = await database.BeginWriteAsync(cancellationToken);
        if (!await HealthProblemStore.EndAsync(write, problem.Id, now)) return 0;
        var recovery = problem.Kind switch
        {
            FeedFailing when feed is { Enabled: true, ErrorCount: 0 } => ($"Feed '{feed.Name}' recovered",
                $"Feed '{feed.Name}' ({feed.Url}) was read again at {AlertText.Date(feed.LastSuccessAt ?? now)}, after failing since {AlertText.Date(problem.Since)} or before."),
            FeedSilent when feed is { Enabled: true } => ($"Feed '{feed.Name}' has new entries again",
                $"Feed '{feed.Name}' ({feed.Url}) brought new entries again, after being silent since {AlertText.Date(problem.Since)} or before."),
            NotifierFailing => ($"Notifier '{problem.Subject}' delivers again",
                $"Notifier '{problem.Subject}' delivered again, after failing since {AlertText.Date(problem.Since)} or before; the alerts that waited go out now."),
            _ => ((string, string)?)null,
        };
        var queued = recovery is { } said
            ? await QueueAsync(write, problem.Id, problem.Kind, "recovered", problem.Subject, said.Item1, said.Item2, feed?.Name, feed?.Url, problem.Since, now)
            : 0;
        await write.CommitAsync(cancellationToken);
        LogEnded(problem.Kind, problem.Subject);
        return queued;
    }

    /// <summary>One operational alert per health notifier. The delivery id is the problem's id and state: stable, so the
    /// outbox's primary key refuses a second copy. A notifier that is itself the failing one is not told: it cannot be.</summary>
    private async Task<int> QueueAsync(WriteScope write, long problemId, string kind, string state, string subject, string headline, string detail,
        string? feed, string? feedUrl, DateTimeOffset since, DateTimeOffset now)
    {
        var queued = 0;
        foreach (var notifier in options.Value.Notify)
        {
            if (kind == NotifierFailing && string.Equals(notifier, subject, StringComparison.OrdinalIgnoreCase)) continue;
            var id = string.Create(CultureInfo.InvariantCulture, $"health-{problemId}-{state}-{notifier}");
            var alert = Alert.Operational(id, notifier, kind, state, subject, headline, detail, feed, feedUrl, since, now);
            await OutboxStore.InsertOperationalAsync(write, id, notifier, AlertJson.Serialize(alert), now);
            queued++;
        }
        return queued;
    }

    /// <summary>"3 h", "2 d 4 h", "45 min": how long, as a person says it.</summary>
    internal static string Span(TimeSpan span)
    {
        if (span >= TimeSpan.FromDays(1))
            return span.Hours > 0 ? $"{(int)span.TotalDays} d {span.Hours} h" : $"{(int)span.TotalDays} d";
        if (span >= TimeSpan.FromHours(1))
            return span.Minutes > 0 ? $"{(int)span.TotalHours} h {span.Minutes} min" : $"{(int)span.TotalHours} h";
        return $"{Math.Max(1, (int)Math.Round(span.TotalMinutes))} min";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health: {Problem} {Subject}: {Detail}")]
    private partial void LogProblem(string problem, string subject, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "Health: checking {Scope} failed on our side; the next check tries again")]
    private partial void LogCheckFailed(Exception exception, HealthChecks scope);

    [LoggerMessage(Level = LogLevel.Information, Message = "Health: {Problem} {Subject} has ended")]
    private partial void LogEnded(string problem, string subject);
}
