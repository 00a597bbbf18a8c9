using System.Text.Json;

namespace Aggregator.Storage;

/// <summary>A row of the feeds table: the feed as configured plus its fetch state.</summary>
public sealed class FeedRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public string Url { get; set; } = "";
    public string ConfigUrl { get; set; } = "";
    public string Tags { get; set; } = "[]";
    public long? IntervalSeconds { get; set; }
    public bool Enabled { get; set; }
    public string? Title { get; set; }
    public string? SiteUrl { get; set; }
    public string? Etag { get; set; }
    public string? LastModified { get; set; }
    public DateTimeOffset? LastCheckedAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    public long? LastStatus { get; set; }
    public string? LastError { get; set; }
    public long ErrorCount { get; set; }
    /// <summary>JSON array of what was wrong but survivable in the last document read; null when nothing was.</summary>
    public string? LastProblems { get; set; }
    public DateTimeOffset? GoneAt { get; set; }
    /// <summary>The server asked us not to poll before this time (429/503 with Retry-After); null otherwise.</summary>
    public DateTimeOffset? RetryAfter { get; set; }
    public DateTimeOffset NextCheckAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>ok, erroring, gone, disabled, or new (never read yet).</summary>
    public string State => !Enabled ? "disabled" : GoneAt is not null ? "gone" : ErrorCount > 0 ? "erroring" : LastSuccessAt is null ? "new" : "ok";

    public IReadOnlyList<string> TagList => JsonSerializer.Deserialize<string[]>(Tags) ?? [];

    public IReadOnlyList<string> ProblemList => LastProblems is null ? [] : JsonSerializer.Deserialize<string[]>(LastProblems) ?? [];
}
