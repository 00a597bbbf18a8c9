using System.Text.Json.Serialization;
using Aggregator.Parsing;

namespace Aggregator.Notifications;

/// <summary>One match to deliver through one notifier. Stored as JSON in the outbox row, so a delivery
/// sends exactly what was decided when the entry was stored, even after the entry or rules change.</summary>
public sealed record Alert
{
    /// <summary>Stable id of this delivery: the webhook's X-Aggregator-Delivery header and the email's Message-ID.</summary>
    public required string DeliveryId { get; init; }
    public required string Rule { get; init; }
    public required string Notifier { get; init; }
    public required string Feed { get; init; }
    public required string FeedUrl { get; init; }
    /// <summary>The feed's own id for the entry (guid / Atom id), or our dedupe key when it has none.</summary>
    public required string EntryId { get; init; }
    public string? Title { get; init; }
    public string? Link { get; init; }
    public DateTimeOffset? Published { get; init; }
    public string? Author { get; init; }
    /// <summary>Plain text of the summary (or of the content when there is no summary).</summary>
    public string? Summary { get; init; }
    /// <summary>The entry's own HTML (summary or content), not yet sanitised.</summary>
    public string? SummaryHtml { get; init; }
    public IReadOnlyList<string> MatchedTerms { get; init; } = [];
    public required DateTimeOffset MatchedAt { get; init; }
    /// <summary>The entry was stored before and the feed has since changed its title or text, which made this rule match
    /// it: "Updated: " before the title, "update": true in the webhook. Left out of the payload when false.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingDefault)]
    public bool Update { get; init; }

    /// <summary>For an alert queued into a digest: the IANA zone its rule's local times are read in (the rule's, the
    /// notifier's or the machine's timeZone), so that the digest shows its period in the reader's time. Internal to
    /// the outbox row; null (rows queued before it existed) shows UTC.</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public string? TimeZone { get; init; }

    /// <summary>The value of <see cref="Kind"/> for the monitor's own alerts (Aggregator:Health:Notify).</summary>
    public const string OperationalKind = "operational";

    /// <summary>"operational" for an alert about the monitor itself; null for a rule's match.</summary>
    public string? Kind { get; init; }

    /// <summary>Operational: what is wrong (feed_failing, feed_gone, feed_moved, feed_silent, dead_letter, notifier_failing).</summary>
    public string? Problem { get; init; }

    /// <summary>Operational: "problem" when it starts, "recovered" when it ends.</summary>
    public string? State { get; init; }

    /// <summary>Operational: the feed's or notifier's name, or the dead delivery's id.</summary>
    public string? Subject { get; init; }

    /// <summary>Operational: when the problem was seen.</summary>
    public DateTimeOffset? Since { get; init; }

    [JsonIgnore]
    public bool IsOperational => Kind == OperationalKind;

    /// <summary>An operational alert: Title is its one-line headline, Summary the sentence that says what to do. Rule
    /// and Feed are filled so that every format that shows them still reads well.</summary>
    public static Alert Operational(string deliveryId, string notifier, string problem, string state, string subject, string headline,
        string detail, string? feed, string? feedUrl, DateTimeOffset since, DateTimeOffset now) => new()
    {
        DeliveryId = deliveryId,
        Kind = OperationalKind,
        Problem = problem,
        State = state,
        Subject = subject,
        Since = since,
        Rule = "Aggregator",
        Notifier = notifier,
        Feed = feed ?? "Aggregator",
        FeedUrl = feedUrl ?? "",
        EntryId = $"{problem}:{subject}",
        Title = headline,
        Summary = detail,
        MatchedAt = now,
    };

    /// <summary>The alert for one entry, rule and notifier, as it is fixed in the outbox when the match is stored.</summary>
    /// <param name="entryKey">Our dedupe key, the entry's id when the feed gives none.</param>
    public static Alert For(ParsedEntry entry, string entryKey, string feed, string feedUrl, string rule, string notifier,
        IReadOnlyList<string> terms, DateTimeOffset matchedAt, bool update = false) => new()
    {
        DeliveryId = Guid.CreateVersion7(matchedAt).ToString(),
        Rule = rule,
        Notifier = notifier,
        Feed = feed,
        FeedUrl = feedUrl,
        EntryId = entry.Id ?? entryKey,
        Title = entry.Title,
        Link = entry.Link,
        Published = entry.Published ?? entry.Updated,
        Author = entry.Author,
        Summary = entry.Summary ?? entry.Content,
        SummaryHtml = entry.SummaryHtml ?? entry.ContentHtml,
        MatchedTerms = terms,
        MatchedAt = matchedAt,
        Update = update,
    };
}
