namespace Aggregator.Refreshing;

/// <summary>What one poll of one feed did, for the poll command's summary and the logs.</summary>
public sealed record RefreshReport(string Feed, string Url)
{
    public bool Succeeded { get; init; }
    public int? Status { get; init; }
    public bool NotModified { get; init; }
    public int EntriesSeen { get; init; }
    public int NewEntries { get; init; }
    /// <summary>Entries stored before whose title or text the feed has changed: updated and matched again.</summary>
    public int UpdatedEntries { get; init; }
    /// <summary>Rule matches recorded, duplicates of an alerted story included.</summary>
    public int Matches { get; init; }
    /// <summary>Bytes of the document read (after decompression); 0 for a 304 or a failure before the body.</summary>
    public long Bytes { get; init; }
    /// <summary>For /metrics and the log: the HTTP status ("200", "304", "404"...) or the kind of failure (timeout,
    /// network, refused, too_large, redirects, bad_body, not_a_feed, internal).</summary>
    public string Outcome { get; init; } = "internal";
    public int Alerts { get; init; }
    /// <summary>Matches of stories the rule had already alerted on through another entry: recorded, not sent.</summary>
    public int Duplicates { get; init; }
    /// <summary>Each match recorded (alerted or duplicate), for `poll` to print.</summary>
    public IReadOnlyList<MatchNote> Notes { get; init; } = [];
    /// <summary>True for a feed's first successful poll, whose backlog is stored without alerting.</summary>
    public bool Backlog { get; init; }
    public string? Error { get; init; }
    /// <summary>Consecutive failures, this one included (0 when it succeeded).</summary>
    public int ErrorCount { get; init; }
    public IReadOnlyList<string> Problems { get; init; } = [];
    public TimeSpan Elapsed { get; init; }
    /// <summary>Another node (PostgreSQL) was polling this feed at that moment; this run left it to that node.</summary>
    public bool PolledElsewhere { get; init; }
}
