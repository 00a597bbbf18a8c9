namespace Aggregator.Refreshing;

/// <summary>A match a poll recorded (or, in a dry run, would have): what `poll` prints about it.</summary>
/// <param name="Notifiers">Where it was queued; empty for a duplicate.</param>
/// <param name="Update">The entry was already stored, and the feed changed its title or text.</param>
/// <param name="DuplicateOf">For a duplicate: the feed and title of the entry the rule alerted on for this story.</param>
/// <param name="AlsoIn">For a duplicate: the other feeds the story was seen in, besides the alerting one and this one.</param>
public sealed record MatchNote(string Rule, string Feed, string? Title, IReadOnlyList<string> Notifiers, bool Update,
    (string Feed, string? Title)? DuplicateOf, IReadOnlyList<string> AlsoIn);
