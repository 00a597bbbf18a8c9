using Aggregator.Cli;
using Aggregator.Notifications;
using Aggregator.Refreshing;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Aggregator.Tests.Support;

/// <summary>The application in this process, composed exactly as the `aggregator` commands compose it
/// (<c>AppHost.Build</c> on a content root with appsettings.json, config/ and data/) and prepared as they are
/// (settings checked, database migrated, feeds synced), with one difference: its clock is a
/// <see cref="FakeTimeProvider"/>. Feeds, notifiers and the SQLite file stay real; a test moves time with
/// <c>Time.Advance(...)</c> instead of waiting for it, so back-off, Retry-After and digest periods cost no
/// real time and never depend on the machine's speed.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private readonly IHost _host;

    private TestHost(IHost host, FakeTimeProvider time, LogLines log)
    {
        _host = host;
        Time = time;
        Log = log;
    }

    public FakeTimeProvider Time { get; }

    /// <summary>What the application logged, at the levels a command logs (warnings and errors of ours).</summary>
    public LogLines Log { get; }

    public IServiceProvider Services => _host.Services;

    /// <summary>The application's database, for assertions (<c>await Database.OpenAsync()</c>).</summary>
    public Database Database => Services.GetRequiredService<Database>();

    /// <param name="random">Replaces Random.Shared for retry and poll jitter (e.g. <see cref="FixedRandom"/>).</param>
    /// <exception cref="Aggregator.Configuration.ConfigException">The content root's configuration is not valid.</exception>
    public static async Task<TestHost> StartAsync(string contentRoot, FakeTimeProvider time, Random? random = null)
    {
        var log = new LogLines();
        var host = AppHost.Build(contentRoot, service: false, time, services =>
        {
            // The log goes to the test, not to the test runner's stderr.
            services.RemoveAll<ILoggerProvider>();
            services.AddSingleton<ILoggerProvider>(log);
            if (random is not null) services.AddSingleton(random);
        });
        try
        {
            await AppHost.PrepareAsync(host, sends: true, TestContext.Current.CancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return new TestHost(host, time, log);
    }

    /// <summary>What `aggregator poll` does: one cycle over every enabled feed not gone, delivering alerts as they are
    /// queued and what else is due at the end.</summary>
    public async Task<(IReadOnlyList<RefreshReport> Reports, DrainReport Drain)> PollAsync()
    {
        var feeds = (await Services.GetRequiredService<FeedStore>().GetAllAsync(TestContext.Current.CancellationToken))
            .Where(f => f.Enabled && f.GoneAt is null).ToList();
        return await PollCommand.PollAsync(Services, feeds, finished: null, TestContext.Current.CancellationToken);
    }

    /// <summary>What the service's poll job does at each Polling:Tick: poll the feeds that are due now.</summary>
    public Task<IReadOnlyList<RefreshReport>> PollDueAsync() =>
        Services.GetRequiredService<PollCycle>().RunDueAsync(TestContext.Current.CancellationToken);

    /// <summary>What the service's delivery job does at each Delivery:Tick: send whatever the outbox says is due now.</summary>
    public Task<DrainReport> DrainAsync() =>
        Services.GetRequiredService<OutboxDispatcher>().DrainAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else _host.Dispose();
    }
}
