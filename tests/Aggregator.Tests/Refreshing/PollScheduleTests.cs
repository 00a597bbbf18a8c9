using Aggregator.Refreshing;
using Aggregator.Storage;

namespace Aggregator.Tests.Refreshing;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly PollingOptions Polling = new() { Interval = TimeSpan.FromMinutes(15), MinInterval = TimeSpan.FromMinutes(1), MaxInterval = TimeSpan.FromHours(24) };

    private static TimeSpan Wait(FeedRow feed, int errors = 0, TimeSpan? notSooner = null) => PollSchedule.Next(feed, Polling, Now, errors, notSooner) - Now;

    // Jitter adds up to 10% so that feeds added together drift apart.
    private static void Between(TimeSpan expected, TimeSpan actual) => Assert.InRange(actual, expected, expected * 1.1);

    [Fact]
    public void AFeedIsPolledEveryIntervalOrItsOwn() 
    {
        Between(TimeSpan.FromMinutes(15), Wait(new FeedRow()));
        Between(TimeSpan.FromMinutes(30), Wait(new FeedRow { IntervalSeconds = 1800 }));
    }

    [Fact]
    public void AnIntervalOutsideTheBoundsIsClamped()
    {
        Between(TimeSpan.FromMinutes(1), Wait(new FeedRow { IntervalSeconds = 5 }));
        Between(TimeSpan.FromHours(24), Wait(new FeedRow { IntervalSeconds = 7 * 86400 }));
    }

    [Fact]
    public void ConsecutiveErrorsDoubleTheWaitUpToTheCeiling()
    {
        Between(TimeSpan.FromMinutes(15), Wait(new FeedRow(), errors: 1));
        Between(TimeSpan.FromMinutes(30), Wait(new FeedRow(), errors: 2));
        Between(TimeSpan.FromMinutes(120), Wait(new FeedRow(), errors: 4));
        Between(TimeSpan.FromHours(24), Wait(new FeedRow(), errors: 30));
    }

    [Fact]
    public void WhatTheServerOrFeedAsksIsHonouredWithinTheCeiling()
    {
        Between(TimeSpan.FromHours(2), Wait(new FeedRow(), notSooner: TimeSpan.FromHours(2)));
        Between(TimeSpan.FromMinutes(15), Wait(new FeedRow(), notSooner: TimeSpan.FromMinutes(5)));
        Between(TimeSpan.FromHours(24), Wait(new FeedRow(), notSooner: TimeSpan.FromDays(30)));
    }
}
