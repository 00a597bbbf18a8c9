using Aggregator.Notifications;

namespace Aggregator.Tests.Support;

/// <summary>A <see cref="NotifierRegistry"/> of notifiers a test has built itself.</summary>
public static class Registry
{
    public static NotifierRegistry Of(params INotifier[] notifiers) =>
        new(notifiers.ToDictionary(n => n.Name, n => (Func<INotifier>)(() => n)));
}
