using Aggregator.Storage;
using System.Data.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Aggregator.Scheduling;

/// <summary>Once a day: deletes what Aggregator:Retention says is old enough. The space freed is reused by later entries;
/// `aggregator vacuum` (with the service stopped) gives it back to the disk. On PostgreSQL every node runs it, and the
/// first to take Retention's lock does the work.</summary>
[DisallowConcurrentExecution]
public sealed partial class ApplyRetentionJob(Retention retention, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<ApplyRetentionJob> logger) : IJob
{
    public static readonly JobKey Key = new("apply-retention");

    /// <summary>The first run waits this long after start, so a restart loop does not delete over and over, and the
    /// first poll cycle after a start does not share the writer with it.</summary>
    public static readonly TimeSpan FirstRunAfter = TimeSpan.FromMinutes(10);

    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        if (!retention.Enabled) return;
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        try
        {
            if (await retention.RunAsync(time.GetUtcNow(), cancellationToken: stopping.Token) is { } deleted) LogApplied(deleted);
            else LogLeftToAnotherNode();
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (DbException ex)
        {
            // Nothing is lost by not deleting: tomorrow's run tries again.
            LogFailed(ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Deleted} old entries deleted (Aggregator:Retention)")]
    private partial void LogApplied(long deleted);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: another node is deleting old entries right now (Aggregator:Retention); left to it")]
    private partial void LogLeftToAnotherNode();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention could not delete old entries ({Reason}); it tries again in a day")]
    private partial void LogFailed(string reason);
}
