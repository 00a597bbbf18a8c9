using System.Collections.Concurrent;
using Aggregator.Fetching;
using Aggregator.Monitoring;
using Aggregator.Notifications;
using Aggregator.Parsing;
using Aggregator.Rules;
using Aggregator.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Aggregator.Configuration;

namespace Aggregator.Refreshing;

/// <summary>One poll of one feed, end to end: fetch, parse, store the new entries, match them, queue the alerts.
/// Entries, matches and outbox rows go in one transaction, so a crash can neither lose an alert nor invent one.
/// Whatever goes wrong, ours or the feed's, is recorded on the feed's row and pushes its next poll back.</summary>
public sealed partial class FeedRefresher(
    FeedFetcher fetcher,
    FeedParser parser,
    Database database,
    MatchStore matches,
    OutboxStore outbox,
    DeliveryTiming timing,
    ConfigFiles config,
    IOptions<StorageOptions> storage,
    IOptions<PollingOptions> polling,
    IOptions<DeliveryOptions> delivery,
    IOptions<RetentionOptions> retention,
    TimeProvider time,
    Random random,
    AggregatorMetrics metrics,
    ILogger<FeedRefresher> logger)
{
    // Fetching waits on the network, so many feeds are fetched at once (Polling:MaxConcurrency); parsing and
    // storing are CPU work, so no more run at once than there are cores. More would not go faster, only keep
    // more parsed documents alive while they queue for the single writer, each one copied by every
    // collection that finds it so (first cycle of 1,000 feeds: GC pauses 230 → 110 ms, peak memory 165 → 140 MB).
    private readonly SemaphoreSlim _processing = new(Environment.ProcessorCount);

    // Feeds whose failure could not be written (a full disk, a damaged file): held back in memory until then,
    // so the service does not fetch them again at every tick.
    private readonly ConcurrentDictionary<long, DateTimeOffset> _heldBack = new();

    /// <summary>Whether a failure that could not be recorded holds this feed back from polling for now.</summary>
    public bool IsHeldBack(FeedRow feed, DateTimeOffset now) =>
        _heldBack.TryGetValue(feed.Id, out var until) && (until > now || !_heldBack.TryRemove(feed.Id, out _));

    /// <param name="notModified">Where a 304's check goes, to be written with the cycle's others.</param>
    /// <param name="dryRun">`poll --dry-run`: fetch, parse and match as usual, then roll the transaction back and record
    /// nothing (no entries, matches, alerts, fetch state or failure); the report's notes say what would have been sent.</param>
    public async Task<RefreshReport> RefreshAsync(FeedRow feed, NotModifiedChecks notModified, CancellationToken cancellationToken,
        bool dryRun = false)
    {
        var report = new RefreshReport(feed.Name, feed.Url);
        var started = time.GetTimestamp();
        try
        {
            report = await FetchParseAndStoreAsync(feed, report, notModified, dryRun, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var error = $"failed on our side: {ex.GetType().Name}: {ex.Message} (the log has the details)";
            LogCrashed(ex, feed.Name, feed.Id, feed.Url);
            report = await RecordFailureAsync(feed, report with { Outcome = "internal" }, error, status: null, retryAfter: null, dryRun, cancellationToken);
        }
        var elapsed = time.GetElapsedTime(started);
        metrics.Polled(report.Outcome, report.Bytes, report.NewEntries, report.Matches, report.Alerts, elapsed);
        LogPolled(feed, report, (long)elapsed.TotalMilliseconds);
        return report;
    }

    private async Task<RefreshReport> FetchParseAndStoreAsync(FeedRow feed, RefreshReport report, NotModifiedChecks notModified,
        bool dryRun, CancellationToken cancellationToken)
    {
        var fetch = await fetcher.FetchAsync(new Uri(feed.Url), feed.Etag, feed.LastModified, cancellationToken);
        report = report with { Status = fetch.StatusCode, Elapsed = fetch.Elapsed, Outcome = fetch.FailureKind ?? Code(fetch.StatusCode) };

        if (fetch.Outcome == FetchOutcome.Failed)
            return await RecordFailureAsync(feed, report, fetch.Error!, fetch.StatusCode, fetch.RetryAfter, dryRun, cancellationToken);

        var now = time.GetUtcNow();
        if (fetch.Outcome == FetchOutcome.NotModified)
        {
            if (!dryRun) await notModified.AddAsync(Success(feed, now, fetch, document: null), cancellationToken);
            return report with { Succeeded = true, NotModified = true };
        }

        await _processing.WaitAsync(cancellationToken);
        try
        {
            return await ParseAndStoreAsync(feed, report, fetch, now, dryRun, cancellationToken);
        }
        finally
        {
            _processing.Release();
        }
    }

    private async Task<RefreshReport> ParseAndStoreAsync(FeedRow feed, RefreshReport report, FetchResult fetch, DateTimeOffset now,
        bool dryRun, CancellationToken cancellationToken)
    {
        ParseResult parsed;
        using (var body = fetch.Body!)
        {
            report = report with { Bytes = body.Memory.Length };
            parsed = parser.Parse(body.Memory, fetch.FinalUrl ?? new Uri(feed.Url), fetch.ContentType);
        }
        if (parsed.Feed is not { } document)
            return await RecordFailureAsync(feed, report with { Outcome = "not_a_feed" }, parsed.Error ?? "not a feed", fetch.StatusCode, null, dryRun, cancellationToken);

        var backlog = feed.LastSuccessAt is null && !polling.Value.AlertOnFirstPoll;
        var stored = await StoreAsync(feed, document, fetch, backlog, now, dryRun, cancellationToken);
        if (document.Problems.Count > 0 && !document.Problems.SequenceEqual(feed.ProblemList))
            LogProblems(feed.Name, feed.Id, feed.Url, document.Problems.Count, string.Join("; ", document.Problems));
        return report with
        {
            Succeeded = true,
            EntriesSeen = document.Entries.Count,
            NewEntries = stored.NewEntries,
            UpdatedEntries = stored.UpdatedEntries,
            Matches = stored.Matches,
            Alerts = stored.Alerts,
            Duplicates = stored.Duplicates,
            Notes = stored.Notes,
            Backlog = backlog,
            Problems = document.Problems,
        };
    }

    private sealed record Stored(int NewEntries, int UpdatedEntries, int Matches, int Alerts, int Duplicates, IReadOnlyList<MatchNote> Notes);

    /// <summary>Stores the document's new entries, their matches and alerts, and the poll's outcome, in one transaction.</summary>
    private async Task<Stored> StoreAsync(FeedRow feed, ParsedFeed document, FetchResult fetch, bool backlog, DateTimeOffset now,
        bool dryRun, CancellationToken cancellationToken)
    {
        // Everything that needs no database is done before the single writer slot is taken.
        var keys = document.Entries.Select(EntryKey.For).ToArray();
        var utf8 = database.Provider == StorageProvider.Sqlite;
        var rows = document.Entries.Select((entry, i) => EntryStore.Encode(keys[i], entry, now, storage.Value.StoreHtml, utf8)).ToArray();
        var rules = new FeedRules(config.Current, feed); // one snapshot for the whole poll, even if rules.json is reloaded meanwhile
        int newEntries = 0, updatedEntries = 0, matched = 0, alerts = 0, duplicates = 0;
        var notes = new List<MatchNote>();
        // An entry dated before the retention horizon may be one that retention deleted and the feed still lists: stored
        // again, it is not news, and alerting on it could send an alert a second time.
        var horizon = retention.Value.KeepEntries is { } keep ? now - keep : (DateTimeOffset?)null;

        // A feed that lists one entry twice with different texts would otherwise update it back and forth at every
        // poll: the last listing is the one stored, as before entries could change.
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++) last[keys[i]] = i;
        // Feeds list newest first; storing oldest first keeps entry ids (and alerts) in publishing order.
        var order = Enumerable.Range(0, keys.Length).Reverse().Where(i => last[keys[i]] == i).ToArray();

        await using var write = await database.BeginWriteAsync(cancellationToken);
        // New, or stored before and since changed by the feed (title or text): either is matched; a rule that has
        // already matched the entry is not recorded again (matches' UNIQUE (entry_id, rule)), so it never alerts twice.
        var stored = await EntryStore.StoreAllAsync(write, feed.Id, [.. order.Select(i => rows[i])]);
        for (var n = 0; n < order.Length; n++)
        {
            var i = order[n];
            if (stored[n] is not { } entry) continue;
            if (entry.Updated) updatedEntries++;
            else newEntries++;
            if (backlog || !rules.Any || document.Entries[i].Published < horizon) continue;
            var (matches, queued, duplicate) = await MatchAndQueueAsync(write, feed, rules, document.Entries[i], keys[i], entry.Id, entry.Updated, now, notes);
            matched += matches;
            alerts += queued;
            duplicates += duplicate;
        }
        await FeedStore.RecordCheckAsync(write, Success(feed, now, fetch, document));
        // A dry run ends here: disposing the transaction uncommitted rolls every row of this poll back.
        if (!dryRun) await write.CommitAsync(cancellationToken);
        return new Stored(newEntries, updatedEntries, matched, alerts, duplicates, notes);
    }

    /// <summary>The rules that apply to one feed, from one snapshot of rules.json.</summary>
    private sealed class FeedRules(AggregatorConfig config, FeedRow feed)
    {
        private readonly IReadOnlyList<string> _tags = feed.TagList;

        public AggregatorConfig Config { get; } = config;

        public bool Any { get; } = config.Rules.Any(r => r.AppliesTo(feed.Name, feed.TagList));

        public IEnumerable<(Rule Rule, QueryMatch Hit)> Matching(MatchDocument document, string feedName)
        {
            foreach (var rule in Config.RuleIndex.Candidates(document))
            {
                if (rule.AppliesTo(feedName, _tags) && rule.Match(document) is { } hit) yield return (rule, hit);
            }
        }
    }

    /// <summary>Records each rule that matches a new (or changed) entry, and queues one alert per notifier unless the
    /// rule has already alerted on the same story through another entry (then the match is recorded as a duplicate).</summary>
    private async Task<(int Matches, int Alerts, int Duplicates)> MatchAndQueueAsync(WriteScope write, FeedRow feed, FeedRules rules,
        ParsedEntry entry, string key, long entryId, bool update, DateTimeOffset now, List<MatchNote> notes)
    {
        var document = MatchDocument.Create(new EntryFields(entry.Title, entry.Summary, entry.Content, entry.Author, entry.Categories,
            entry.Link, feed.Name, entry.Language));
        int matched = 0, alerts = 0, duplicates = 0;
        StoryKey? story = null; // computed for the few entries a rule matches
        StorySimilarity.Text? words = null;
        foreach (var (rule, hit) in rules.Matching(document, feed.Name))
        {
            if (story is null) await MatchStore.LockStoriesAsync(write);
            story ??= StoryKey.For(entry);
            // The same three-word minimum as the exact title: "Live", "Update" are no story's identity.
            words ??= story.Title is null ? null : StorySimilarity.Of(entry.Title, entry.Summary);
            var since = now - delivery.Value.DuplicateTitleWindow;
            var earlier = (await matches.FindSameStoryAsync(write, rule.Name, entryId, story.Link, story.Title, since))
                .Where(m => m.ByLink || words is null || m.Words is null || !StorySimilarity.LeadsDisagree(words, StorySimilarity.Text.FromStored(m.Words)))
                .Select(m => (long?)m.Id).FirstOrDefault()
                ?? await FindSimilarStoryAsync(write, rule.Name, entryId, words, since);
            if (await matches.InsertAsync(write, entryId, rule.Name, hit.Terms, now, earlier, story.Link, story.Title, words?.Stored) is not { } matchId) continue;
            matched++;
            if (earlier is { } storyId)
            {
                duplicates++;
                var sources = (await MatchStore.StorySourcesAsync(write.Connection, [storyId], write.Transaction)).GetValueOrDefault(storyId);
                var feeds = sources?.Feeds ?? [];
                notes.Add(new MatchNote(rule.Name, feed.Name, entry.Title, [], update,
                    sources is null ? null : (feeds.Count > 0 ? feeds[0] : "?", sources.Title),
                    [.. feeds.Skip(1).Where(f => !string.Equals(f, feed.Name, StringComparison.OrdinalIgnoreCase))]));
                continue;
            }
            var notifiers = rule.Notify.Count > 0 ? rule.Notify : config.NotifierNames;
            foreach (var notifier in notifiers)
            {
                var alert = Alert.For(entry, key, feed.Name, feed.Url, rule.Name, notifier, hit.Terms, now, update);
                var queued = await timing.DecideAsync(write, rule, notifier, now);
                if (queued.DigestKey is not null) alert = alert with { TimeZone = timing.ZoneFor(rule, notifier).Id };
                await outbox.InsertAsync(write, alert.DeliveryId, matchId, notifier, AlertJson.Serialize(alert), now, queued.Due,
                    queued.DigestKey, queued.Held);
                alerts++;
            }
            notes.Add(new MatchNote(rule.Name, feed.Name, entry.Title, [.. notifiers], update, null, []));
        }
        return (matched, alerts, duplicates);
    }

    /// <summary>How many of a rule's alerted stories a match is compared with: the newest within the window. A rule
    /// alerting more often than this within Delivery:DuplicateTitleWindow is compared with its latest 500 only.</summary>
    internal const int SimilarStoryCandidates = 500;

    /// <summary>The alerted match of this rule, within the window, whose title (and first sentence) tells the same story
    /// (<see cref="StorySimilarity.Same"/>) as <paramref name="words"/>, the most similar if several; null if none.</summary>
    private async Task<long?> FindSimilarStoryAsync(WriteScope write, string rule, long entryId, StorySimilarity.Text? words, DateTimeOffset since)
    {
        if (words is null || delivery.Value.DuplicateTitleWindow <= TimeSpan.Zero) return null;
        long? best = null;
        var bestScore = 0.0;
        foreach (var (id, stored) in await matches.RecentStoriesAsync(write, rule, entryId, since, SimilarStoryCandidates))
        {
            var candidate = StorySimilarity.Text.FromStored(stored);
            if (!StorySimilarity.Same(words, candidate)) continue;
            var score = StorySimilarity.Similarity(words, candidate);
            if (score > bestScore) (best, bestScore) = (id, score);
        }
        return best;
    }

    private async Task<RefreshReport> RecordFailureAsync(FeedRow feed, RefreshReport report, string error, int? status,
        TimeSpan? retryAfter, bool dryRun, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var errors = (int)feed.ErrorCount + 1;
        if (dryRun) return report with { Succeeded = false, Error = FeedStore.Bounded(error), ErrorCount = errors };
        var next = PollSchedule.Next(feed, polling.Value, now, errors, retryAfter, random);
        try
        {
            await using var write = await database.BeginWriteAsync(cancellationToken);
            await FeedStore.RecordCheckAsync(write, new FeedCheck
            {
                FeedId = feed.Id,
                CheckedAt = now,
                NextCheckAt = next,
                Succeeded = false,
                Status = status,
                Error = error,
                Gone = status == 410,
                // What the server asked for, kept apart from next_check_at so that `poll`, which ignores the
                // feed's interval, still honours it.
                RetryAfter = retryAfter is { } wait ? now + (wait < polling.Value.MaxInterval ? wait : polling.Value.MaxInterval) : null,
            });
            await write.CommitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _heldBack[feed.Id] = next;
            LogNotRecorded(feed.Name, feed.Id, feed.Url, ex.Message, Iso.ToText(next));
        }
        return report with { Succeeded = false, Error = FeedStore.Bounded(error), ErrorCount = errors };
    }

    private FeedCheck Success(FeedRow feed, DateTimeOffset now, FetchResult fetch, ParsedFeed? document) => new()
    {
        FeedId = feed.Id,
        CheckedAt = now,
        NextCheckAt = PollSchedule.Next(feed, polling.Value, now, 0, Longer(fetch.MaxAge, document?.Ttl), random),
        Succeeded = true,
        Status = fetch.StatusCode,
        NewValidators = fetch.Outcome == FetchOutcome.Fetched,
        Etag = fetch.ETag,
        LastModified = fetch.LastModified,
        Title = document?.Title,
        SiteUrl = document?.Link,
        Problems = document?.Problems,
        MovedTo = Moved(feed, fetch),
    };

    private Uri? Moved(FeedRow feed, FetchResult fetch)
    {
        if (fetch.MovedTo is not { } target) return null;
        LogMoved(feed.Name, feed.Id, feed.Url, target.AbsoluteUri);
        return target;
    }

    private static string Code(int? status) => status?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "internal";

    private static TimeSpan? Longer(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    // One structured event per poll, whatever its outcome, with the same fields (what a log shipper indexes with
    // --log-format json): a 304 at Debug, being most of a cycle; a document read at Information; a failure at Warning.
    private void LogPolled(FeedRow feed, RefreshReport report, long elapsedMs)
    {
        if (report.Error is { } error)
            LogFailed(feed.Name, feed.Id, feed.Url, report.ErrorCount, error, report.Outcome, report.Status, report.Bytes, elapsedMs);
        else if (report.NotModified)
            LogNotModified(feed.Name, feed.Id, feed.Url, report.Outcome, report.Status, elapsedMs);
        else
            LogStored(feed.Name, feed.Id, feed.Url, report.EntriesSeen, report.NewEntries, report.Alerts, report.Outcome, report.Status, report.Bytes, elapsedMs);
    }

    [LoggerMessage(EventId = 101, EventName = "FeedNotModified", Level = LogLevel.Debug,
        Message = "Feed '{FeedName}' {FeedId} ({FeedUrl}): not modified ({Outcome}, {Status}, {ElapsedMs} ms)")]
    private partial void LogNotModified(string feedName, long feedId, string feedUrl, string outcome, int? status, long elapsedMs);

    [LoggerMessage(EventId = 102, EventName = "FeedRead", Level = LogLevel.Information,
        Message = "Feed '{FeedName}' {FeedId} ({FeedUrl}): {EntryCount} entries, {NewEntries} new, {Alerts} alerts ({Outcome}, {Status}, {Bytes} bytes, {ElapsedMs} ms)")]
    private partial void LogStored(string feedName, long feedId, string feedUrl, int entryCount, int newEntries, int alerts, string outcome, int? status,
        long bytes, long elapsedMs);

    [LoggerMessage(EventId = 103, EventName = "FeedFailed", Level = LogLevel.Warning,
        Message = "Feed '{FeedName}' {FeedId} ({FeedUrl}) failed ({ErrorCount} in a row): {Error} ({Outcome}, {Status}, {Bytes} bytes, {ElapsedMs} ms)")]
    private partial void LogFailed(string feedName, long feedId, string feedUrl, int errorCount, string error, string outcome, int? status,
        long bytes, long elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed '{FeedName}' {FeedId} ({FeedUrl}): read with {ProblemCount} problem(s): {Problems}")]
    private partial void LogProblems(string feedName, long feedId, string feedUrl, int problemCount, string problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed '{FeedName}' {FeedId} ({FeedUrl}) moved permanently to {NewUrl}; polling it there from now on")]
    private partial void LogMoved(string feedName, long feedId, string feedUrl, string newUrl);


    [LoggerMessage(Level = LogLevel.Error, Message = "Feed '{FeedName}' {FeedId} ({FeedUrl}): polling it failed on our side")]
    private partial void LogCrashed(Exception exception, string feedName, long feedId, string feedUrl);

    // The time as ISO 8601 UTC text (as the database writes it), not in a format of the logger's choosing.
    [LoggerMessage(Level = LogLevel.Error, Message = "Feed '{FeedName}' {FeedId} ({FeedUrl}): its failure could not be recorded in the database ({Reason}); not polled again before {NextCheckAt}")]
    private partial void LogNotRecorded(string feedName, long feedId, string feedUrl, string reason, string nextCheckAt);
}
