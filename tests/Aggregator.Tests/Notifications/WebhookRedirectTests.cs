using Aggregator.Notifications;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Tests.Notifications;

/// <summary>Webhooks never follow redirects, with the HttpClient built as the service builds it (AddNotifications):
/// a 301/302/303 would turn the POST into a GET without the payload that the target answers 200 (marked
/// delivered though nothing arrived), a 307/308 would re-post the signed body to whatever host Location names.</summary>
public sealed class WebhookRedirectTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2025, 5, 1, 12, 40, 0, TimeSpan.Zero);
    private WebhookReceiver _receiver = null!;
    private WebhookReceiver _elsewhere = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _elsewhere = await WebhookReceiver.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _elsewhere.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task ARedirectIsDeadLetteredNamingTheLocationAndTheTargetReceivesNothing(int status)
    {
        var target = new Uri(new Uri(_elsewhere.Url), "/target");
        _receiver.Enqueue(new ScriptedResponse(status, Headers: new Dictionary<string, string> { ["Location"] = target.AbsoluteUri }));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifiers:ops:Type"] = "webhook",
            ["Notifiers:ops:Url"] = _receiver.Url,
            ["Notifiers:ops:Secret"] = "s",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddNotifications(configuration).BuildServiceProvider();
        var alert = AlertSamples.Typical() with { Notifier = "ops" };
        using var queued = await QueuedAlerts.CreateAsync(Now, alert);

        var report = await queued.DeliverAsync(services.GetRequiredService<NotifierRegistry>(), TimeProvider.System, Ct);

        Assert.Equal(1, report.Dead);
        var row = await queued.RowAsync(alert.DeliveryId);
        Assert.Equal("dead", row.Status);
        Assert.Contains($"answered {status} ", row.LastError);
        Assert.Contains($"redirecting to {target.GetLeftPart(UriPartial.Authority)} (another path); webhooks do not follow redirects: set Notifiers:ops:Url to the final address", row.LastError);
        Assert.Equal("/hook", Assert.Single(_receiver.Requests).Path);
        Assert.Empty(_elsewhere.Requests);
    }

    [Fact]
    public async Task AWebhookAtALinkLocalAddressIsDeadLetteredInWords()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifiers:ops:Type"] = "webhook",
            ["Notifiers:ops:Url"] = "http://169.254.169.254/latest/meta-data/",
        }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddNotifications(configuration).BuildServiceProvider();
        var alert = AlertSamples.Typical() with { Notifier = "ops" };
        using var queued = await QueuedAlerts.CreateAsync(Now, alert);

        var report = await queued.DeliverAsync(services.GetRequiredService<NotifierRegistry>(), TimeProvider.System, Ct);

        Assert.Equal(1, report.Dead);
        var row = await queued.RowAsync(alert.DeliveryId);
        Assert.Equal("webhook http://169.254.169.254: refused to connect to 169.254.169.254: a link-local address, where cloud metadata services answer; set Aggregator:Polling:AllowLinkLocal to true to allow it", row.LastError);
    }
}
