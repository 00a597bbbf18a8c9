using Aggregator.Notifications;
using Aggregator.Refreshing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Aggregator.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>Quartz with three in-memory jobs (poll, deliver, retention); all durable state (when a feed is due, what is undelivered) lives in SQLite.</summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var polling = configuration.GetSection(PollingOptions.Section).Get<PollingOptions>() ?? new PollingOptions();
        var delivery = configuration.GetSection(DeliveryOptions.Section).Get<DeliveryOptions>() ?? new DeliveryOptions();
        services.AddSingleton<DeliveryWake>();
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
        services.AddQuartzHostedService(options => options.WaitForJobsToComplete = true);
        return services;
    }
}
