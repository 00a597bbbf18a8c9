using System.Threading.Channels;
using Aggregator.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aggregator.Configuration;

/// <summary>While the service runs, re-reads config/ when feeds.json or rules.json changes. A broken edit
/// keeps the last good configuration and says why; a good one takes effect at the next poll.</summary>
public sealed partial class ConfigWatcher(ConfigFiles config, FeedStore feeds, TimeProvider time, ILogger<ConfigWatcher> logger) : BackgroundService
{
    // Editors save in bursts (truncate, write, rename): wait for quiet before reading.
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        using var watcher = new FileSystemWatcher(config.Directory, "*.json")
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler changed = (_, e) => { if (IsConfigFile(e.Name)) changes.Writer.TryWrite(true); };
        watcher.Changed += changed;
        watcher.Created += changed;
        watcher.Renamed += (_, e) => { if (IsConfigFile(e.Name)) changes.Writer.TryWrite(true); };
        watcher.EnableRaisingEvents = true;

        try
        {
            while (await changes.Reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(Quiet, time, stoppingToken);
                while (changes.Reader.TryRead(out _)) { }
                await ReloadAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        AggregatorConfig loaded;
        try
        {
            loaded = config.Load();
        }
        catch (ConfigException ex)
        {
            LogRejected(string.Join(Environment.NewLine, ex.Errors));
            return;
        }
        catch (IOException ex)
        {
            LogRejected(ex.Message); // the file is still being written; the next change event reloads it
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Whatever it is, a running service keeps its last good configuration rather than stopping.
            LogFailed(ex);
            return;
        }
        try
        {
            await feeds.SyncAsync(loaded.Feeds, time.GetUtcNow(), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogNotSynced(ex.Message);
            return;
        }
        LogReloaded(loaded.Feeds.Count, loaded.Rules.Count);
    }

    private static bool IsConfigFile(string? name) => name is ConfigLoader.FeedsFile or ConfigLoader.RulesFile;

    [LoggerMessage(Level = LogLevel.Information, Message = "config/ reloaded: {FeedCount} feeds, {RuleCount} rules")]
    private partial void LogReloaded(int feedCount, int ruleCount);

    [LoggerMessage(Level = LogLevel.Error, Message = "config/ changed but is not valid; keeping the last good configuration:\n{Errors}")]
    private partial void LogRejected(string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "config/ changed but could not be read (our bug, please report it); keeping the last good configuration")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "config/ changed, but the feeds table could not be brought in line with it ({Reason}); it is tried again at the next change or restart")]
    private partial void LogNotSynced(string reason);
}
