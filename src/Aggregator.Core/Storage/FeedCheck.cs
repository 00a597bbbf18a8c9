namespace Aggregator.Storage;

/// <summary>The outcome of one poll, as it is written back onto the feed row.</summary>
public sealed record FeedCheck
{
    public required long FeedId { get; init; }
    public required DateTimeOffset CheckedAt { get; init; }
    public required DateTimeOffset NextCheckAt { get; init; }
    public required bool Succeeded { get; init; }
    public int? Status { get; init; }
    public string? Error { get; init; }
    /// <summary>The feed answered from here after permanent redirects: poll it here from now on.</summary>
    public Uri? MovedTo { get; init; }
    /// <summary>The server said 410 Gone: stop polling this URL.</summary>
    public bool Gone { get; init; }
    /// <summary>The server asked us to wait (429/503 with Retry-After): no poll before this time, `poll` included.</summary>
    public DateTimeOffset? RetryAfter { get; init; }
    /// <summary>A full 200 response: its validators replace the stored ones, even when absent.</summary>
    public bool NewValidators { get; init; }
    public string? Etag { get; init; }
    public string? LastModified { get; init; }
    public string? Title { get; init; }
    public string? SiteUrl { get; init; }
    /// <summary>The parse problems of a document read now (empty: none); null when no document was read (a 304, an
    /// error), which keeps the last ones.</summary>
    public IReadOnlyList<string>? Problems { get; init; }
}
