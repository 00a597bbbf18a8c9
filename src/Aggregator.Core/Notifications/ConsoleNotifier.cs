namespace Aggregator.Notifications;

/// <summary>Prints alerts to standard output: the notifier when none is configured, so a new setup shows its matches.</summary>
public sealed class ConsoleNotifier(string name, TextWriter output) : INotifier
{
    private readonly Lock _lock = new();

    public string Name { get; } = name;

    public Task<DeliveryOutcome> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var date = alert.Published is { } p ? Storage.Iso.ToText(p) : "no date";
        lock (_lock)
        {
            output.WriteLine($"ALERT [{alert.Rule}] {alert.Title ?? "(no title)"}");
            output.WriteLine($"      {alert.Feed} · {date} · matched: {string.Join(", ", alert.MatchedTerms)}");
            if (alert.Link is not null) output.WriteLine($"      {alert.Link}");
            output.Flush();
        }
        return Task.FromResult(DeliveryOutcome.Delivered);
    }
}
