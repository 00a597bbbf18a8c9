namespace Aggregator.Notifications;

/// <summary>The configured notifiers by name (case-insensitive), as rules and outbox rows name them. Each is built the
/// first time a delivery needs it, so a command that only reads the database never needs a notifier's secrets.</summary>
public sealed class NotifierRegistry(IReadOnlyDictionary<string, Func<INotifier>> notifiers) : IDisposable
{
    private readonly Dictionary<string, Lazy<INotifier>> _byName = notifiers.ToDictionary(
        n => n.Key, n => new Lazy<INotifier>(n.Value), StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<string> Names => _byName.Keys;

    public INotifier? Find(string name) => _byName.GetValueOrDefault(name)?.Value;

    /// <summary>Closes what the notifiers keep open (an SMTP connection) when the host stops.</summary>
    public void Dispose()
    {
        foreach (var notifier in _byName.Values.Where(n => n.IsValueCreated))
            (notifier.Value as IDisposable)?.Dispose();
    }
}
