namespace Aggregator.Notifications;

/// <summary>The configured notifiers by name (case-insensitive), as rules and outbox rows name them.</summary>
public sealed class NotifierRegistry(IEnumerable<INotifier> notifiers) : IDisposable
{
    private readonly Dictionary<string, INotifier> _byName = notifiers.ToDictionary(n => n.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public INotifier? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Closes what the notifiers keep open (an SMTP connection) when the host stops.</summary>
    public void Dispose()
    {
        foreach (var notifier in _byName.Values)
            (notifier as IDisposable)?.Dispose();
    }
}
