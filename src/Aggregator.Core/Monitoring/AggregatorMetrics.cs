using Prometheus;

namespace Aggregator.Monitoring;

/// <summary>What the service counts for /metrics (Prometheus text), kept in a registry of its own per process. Counted
/// where the outcome is already known (a feed's poll in FeedRefresher, a delivery in OutboxDispatcher): a few interlocked
/// additions per feed or delivery, nothing per entry. prometheus-net rather than OpenTelemetry: its exposition is stable,
/// where OpenTelemetry's Prometheus exporters are still beta. Only a process that serves /metrics creates the collectors
/// (<c>export</c>): in every other command (a `poll` from cron) they cost 40-50 ms of CPU at start and would never be read;
/// when cycles start and end is kept either way, for /healthz.</summary>
public sealed class AggregatorMetrics
{
    private readonly Counter? _polls;
    private readonly Counter? _bytes;
    private readonly Counter? _entries;
    private readonly Counter? _matches;
    private readonly Counter? _alerts;
    private readonly Counter? _deliveries;
    private readonly Histogram? _pollDuration;
    private readonly Gauge? _feeds;
    private readonly Gauge? _outboxPending;
    private readonly Gauge? _outboxOldest;
    private readonly Gauge? _cycleStarted;
    private readonly Gauge? _cycleEnded;
    private readonly CollectorRegistry? _registry;
    private long _lastCycleStarted;
    private long _lastCycleEnded;
    private int _cyclesRunning;
    private int _processMetrics;

    /// <param name="export">Create the Prometheus collectors (the process serves /metrics).</param>
    public AggregatorMetrics(bool export = false)
    {
        if (!export) return;
        _registry = Metrics.NewCustomRegistry();
        var metrics = Metrics.WithCustomRegistry(_registry);
        _polls = metrics.CreateCounter("aggregator_polls_total",
            "Feed polls by outcome: the HTTP status (200, 304, 404, 429, 503...), or timeout, network, refused, too_large, redirects, not_a_feed, internal",
            "outcome");
        _bytes = metrics.CreateCounter("aggregator_fetched_bytes_total", "Feed bytes read (after decompression)");
        _entries = metrics.CreateCounter("aggregator_entries_stored_total", "New entries stored");
        _matches = metrics.CreateCounter("aggregator_matches_total", "Rule matches recorded (story duplicates included)");
        _alerts = metrics.CreateCounter("aggregator_alerts_queued_total", "Deliveries queued in the outbox (one per match and notifier)");
        _deliveries = metrics.CreateCounter("aggregator_deliveries_total", "Delivery attempts by notifier and outcome (delivered, retry, dead), counted in alerts",
            "notifier", "outcome");
        _pollDuration = metrics.CreateHistogram("aggregator_poll_duration_seconds", "One feed's poll: fetch, parse and store",
            new HistogramConfiguration { Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
        _feeds = metrics.CreateGauge("aggregator_feeds", "Feeds by state (ok, erroring, gone, new, disabled), as of the scrape", "state");
        _outboxPending = metrics.CreateGauge("aggregator_outbox_pending", "Deliveries waiting to go out, as of the scrape");
        _outboxOldest = metrics.CreateGauge("aggregator_outbox_oldest_pending_age_seconds", "Age of the oldest delivery waiting to go out (0 when none)");
        _cycleStarted = metrics.CreateGauge("aggregator_last_cycle_start_timestamp_seconds", "When the last poll cycle started (Unix time)");
        _cycleEnded = metrics.CreateGauge("aggregator_last_cycle_end_timestamp_seconds", "When the last poll cycle ended (Unix time)");
    }

    /// <summary>Adds the process's CPU, memory and GC figures (process_*, dotnet_*), once, for a process that serves
    /// /metrics: every `poll` from cron would otherwise pay for them and never show them.</summary>
    public void IncludeProcessMetrics()
    {
        if (Interlocked.Exchange(ref _processMetrics, 1) == 0) DotNetStats.Register(Registry);
    }

    /// <exception cref="InvalidOperationException">Made without <c>export</c>.</exception>
    public CollectorRegistry Registry => _registry ?? throw new InvalidOperationException("these metrics were made without export: true");

    public DateTimeOffset? LastCycleStarted => At(Interlocked.Read(ref _lastCycleStarted));

    public DateTimeOffset? LastCycleEnded => At(Interlocked.Read(ref _lastCycleEnded));

    public bool CycleRunning => Volatile.Read(ref _cyclesRunning) > 0;

    public void CycleStarted(DateTimeOffset now)
    {
        Interlocked.Increment(ref _cyclesRunning);
        Interlocked.Exchange(ref _lastCycleStarted, now.UtcTicks);
        _cycleStarted?.Set(now.ToUnixTimeMilliseconds() / 1000.0);
    }

    public void CycleEnded(DateTimeOffset now)
    {
        Interlocked.Decrement(ref _cyclesRunning);
        Interlocked.Exchange(ref _lastCycleEnded, now.UtcTicks);
        _cycleEnded?.Set(now.ToUnixTimeMilliseconds() / 1000.0);
    }

    /// <summary>One feed's poll, whatever its outcome.</summary>
    public void Polled(string outcome, long bytes, int newEntries, int matches, int alerts, TimeSpan elapsed)
    {
        if (_registry is null) return;
        _polls!.WithLabels(outcome).Inc();
        _pollDuration!.Observe(elapsed.TotalSeconds);
        if (bytes > 0) _bytes!.Inc(bytes);
        if (newEntries > 0) _entries!.Inc(newEntries);
        if (matches > 0) _matches!.Inc(matches);
        if (alerts > 0) _alerts!.Inc(alerts);
    }

    /// <param name="outcome">delivered, retry or dead.</param>
    public void Delivered(string notifier, string outcome, int alerts) => _deliveries?.WithLabels(notifier, outcome).Inc(alerts);

    /// <summary>The gauges read from the database at scrape time.</summary>
    public void Update(HealthReport report)
    {
        if (_registry is null) return;
        foreach (var (state, count) in report.Feeds) _feeds!.WithLabels(state).Set(count);
        _outboxPending!.Set(report.OutboxPending);
        _outboxOldest!.Set(report.OldestPending is { } oldest ? Math.Max(0, (report.At - oldest).TotalSeconds) : 0);
    }

    private static DateTimeOffset? At(long ticks) => ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
