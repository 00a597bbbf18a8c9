using Aggregator.Notifications;
using Aggregator.Refreshing;
using Aggregator.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Aggregator.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>The name of the scheduler that the nodes sharing a PostgreSQL database share (Quartz's clustered ADO.NET
    /// job store, tables qrtz_*): a job of it runs on one node of the cluster at a time.</summary>
    public const string ClusterScheduler = "aggregator-cluster";

    /// <summary>Two schedulers. This node's own, in memory, with three jobs: poll due feeds, drain the outbox, apply retention; all durable
    /// state (when a feed is due, what is undelivered) lives in the database, and on PostgreSQL every node runs both jobs
    /// and takes its share through claims. And, on PostgreSQL, the cluster's: Quartz's clustered job store in the same
    /// database, for work done once for the whole cluster (<see cref="ClusterHousekeepingJob"/>), taken over by another
    /// node when the one running it dies. The per-node jobs cannot live there: a clustered trigger fires on ONE node.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var polling = configuration.GetSection(PollingOptions.Section).Get<PollingOptions>() ?? new PollingOptions();
        var delivery = configuration.GetSection(DeliveryOptions.Section).Get<DeliveryOptions>() ?? new DeliveryOptions();
        var cluster = configuration.GetSection(ClusterOptions.Section).Get<ClusterOptions>() ?? new ClusterOptions();
        var (target, _) = StorageTarget.From(
            configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions(),
            configuration.GetSection(StorageProviderOptions.Section).Get<StorageProviderOptions>() ?? new StorageProviderOptions(),
            contentRoot: "/");
        services.AddSingleton<DeliveryWake>();
        services.AddHostedService<NodeHeartbeat>();
        services.AddQuartz(quartz =>
        {
            quartz.AddJob<PollDueFeedsJob>(job => job.WithIdentity(PollDueFeedsJob.Key));
            quartz.AddTrigger(trigger => trigger.ForJob(PollDueFeedsJob.Key).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(polling.Tick).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            quartz.AddJob<DrainOutboxJob>(job => job.WithIdentity(DrainOutboxJob.Key));
            quartz.AddTrigger(trigger => trigger.ForJob(DrainOutboxJob.Key).StartNow()
                .WithSimpleSchedule(s => s.WithInterval(delivery.Tick).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            quartz.AddJob<ApplyRetentionJob>(job => job.WithIdentity(ApplyRetentionJob.Key));
            quartz.AddTrigger(trigger => trigger.ForJob(ApplyRetentionJob.Key).StartAt(DateTimeOffset.UtcNow + ApplyRetentionJob.FirstRunAfter)
                .WithSimpleSchedule(s => s.WithInterval(ApplyRetentionJob.Interval).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
        });
        if (target?.Provider == StorageProvider.Postgres)
        {
            services.AddQuartz(ClusterScheduler, quartz =>
            {
                quartz.ConfigureScheduler(options => options.InstanceName = ClusterScheduler);
                quartz.UsePersistentStore(store =>
                {
                    store.UsePostgres(target.Location);
                    store.UseSystemTextJsonSerializer();
                    // A node checks in every heartbeat; one silent for two is dead, and its running jobs recovered.
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = cluster.Heartbeat;
                        c.CheckinMisfireThreshold = cluster.Heartbeat * 2;
                    });
                });
                quartz.AddJob<ClusterHousekeepingJob>(job => job.WithIdentity(ClusterHousekeepingJob.Key).StoreDurably().RequestRecovery());
                quartz.AddTrigger(trigger => trigger.WithIdentity("cluster-housekeeping").ForJob(ClusterHousekeepingJob.Key).StartNow()
                    .WithSimpleSchedule(s => s.WithInterval(TimeSpan.FromMinutes(1)).RepeatForever().WithMisfireInstruction(SimpleTriggerMisfireInstruction.NextWithRemainingCount)));
            });
        }
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
