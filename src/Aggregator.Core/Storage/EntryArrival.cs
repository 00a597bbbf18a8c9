namespace Aggregator.Storage;

/// <summary>A time at which a poll brought a feed new entries (entries.fetched_at, once per poll).</summary>
public sealed class EntryArrival
{
    public long FeedId { get; set; }
    public DateTimeOffset FetchedAt { get; set; }
}
