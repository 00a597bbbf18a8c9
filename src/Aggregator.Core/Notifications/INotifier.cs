namespace Aggregator.Notifications;

/// <summary>A way to tell someone about a match: SMTP, webhook, console.</summary>
public interface INotifier
{
    /// <summary>The name the notifier has under "Notifiers" in appsettings.json.</summary>
    string Name { get; }

    /// <summary>Sends one alert. Never throws for a failed delivery: report it in the outcome.</summary>
    Task<DeliveryOutcome> SendAsync(Alert alert, CancellationToken cancellationToken);

    /// <summary>Sends the matches of a digest rule's period as one message. Never throws for a failed delivery.</summary>
    Task<DeliveryOutcome> SendDigestAsync(Digest digest, CancellationToken cancellationToken);
}
