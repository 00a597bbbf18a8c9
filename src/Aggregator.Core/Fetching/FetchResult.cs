namespace Aggregator.Fetching;

/// <summary>What one conditional GET brought back. Failures are data, with a message a user can act on.</summary>
public sealed record FetchResult
{
    public required FetchOutcome Outcome { get; init; }
    public int? StatusCode { get; init; }
    /// <summary>The body of a 200 (Outcome Fetched), decompressed; whoever parses it disposes it.</summary>
    public FeedBody? Body { get; init; }
    public string? ContentType { get; init; }
    public string? ETag { get; init; }
    public string? LastModified { get; init; }
    /// <summary>Where the body really came from, after redirects; relative links resolve against it.</summary>
    public Uri? FinalUrl { get; init; }
    public string? Error { get; init; }
    /// <summary>Every redirect on the way was permanent (301/308): the feed now lives here.</summary>
    public Uri? MovedTo { get; init; }
    /// <summary>The server asked us to wait (Retry-After on 429/503).</summary>
    public TimeSpan? RetryAfter { get; init; }
    /// <summary>Cache-Control: max-age, how long the server says the response stays fresh.</summary>
    public TimeSpan? MaxAge { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>What kind of failure, for /metrics: the HTTP status of an error answer ("404", "503"), else timeout,
    /// network, refused, too_large, redirects or bad_body. Null unless Failed.</summary>
    public string? FailureKind { get; init; }

    public static FetchResult Failed(string kind, string error, int? status = null, TimeSpan elapsed = default, TimeSpan? retryAfter = null) =>
        new() { Outcome = FetchOutcome.Failed, FailureKind = kind, Error = error, StatusCode = status, Elapsed = elapsed, RetryAfter = retryAfter };
}
