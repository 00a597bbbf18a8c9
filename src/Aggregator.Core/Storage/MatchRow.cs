namespace Aggregator.Storage;

/// <summary>A recorded match with its entry's title and feed, as `aggregator matches` lists it.</summary>
public sealed class MatchRow
{
    public long Id { get; set; }
    public string Rule { get; set; } = "";
    public DateTimeOffset MatchedAt { get; set; }
    /// <summary>The match that alerted on the same story, when this one was recorded as its duplicate.</summary>
    public long? DuplicateOf { get; set; }
    public long EntryId { get; set; }
    public string Feed { get; set; } = "";
    public string? Title { get; set; }
    public string? Link { get; set; }
    /// <summary>When the entry was first stored.</summary>
    public DateTimeOffset FetchedAt { get; set; }
    public long Deliveries { get; set; }
    public long Delivered { get; set; }
    public long Dead { get; set; }

    /// <summary>Matched after the entry was first stored: the feed changed its title or text, and this rule newly matched.</summary>
    public bool Update => MatchedAt > FetchedAt;

    /// <summary>The match that stands for the story: this one, or the one it duplicates.</summary>
    public long Story => DuplicateOf ?? Id;

    /// <summary>The feeds the story was seen in, the one that alerted first.</summary>
    public IReadOnlyList<string> StoryFeeds { get; set; } = [];

    /// <summary>The story's other feeds: "also in".</summary>
    public IEnumerable<string> AlsoIn => StoryFeeds.Where(f => !string.Equals(f, Feed, StringComparison.OrdinalIgnoreCase));

    /// <summary>sent, pending, dead (some delivery dead-lettered), duplicate (not sent), or none (no notifier).</summary>
    public string State => DuplicateOf is not null ? "duplicate" : Deliveries == 0 ? "none" : Dead > 0 ? "dead" : Delivered == Deliveries ? "sent" : "pending";
}
