using Aggregator.Refreshing;
using Aggregator.Storage;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Refreshing;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly PollingOptions Polling = new() { Interval = TimeSpan.FromMinutes(15), MinInterval = TimeSpan.FromMinutes(1), MaxInterval = TimeSpan.FromHours(24) };

    /// <param name="jitter">Where in its range the random draw falls: 0 adds no jitter.</param>
    private static TimeSpan Wait(FeedRow feed, int errors = 0, TimeSpan? notSooner = null, double jitter = 0) =>
        PollSchedule.Next(feed, Polling, Now, errors, notSooner, new FixedRandom(jitter)) - Now;

    [Fact]
    public void AFeedIsPolledEveryIntervalOrItsOwn()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), Wait(new FeedRow()));
        Assert.Equal(TimeSpan.FromMinutes(30), Wait(new FeedRow { IntervalSeconds = 1800 }));
    }

    [Fact]
    public void AnIntervalOutsideTheBoundsIsClamped()
    {
        Assert.Equal(TimeSpan.FromMinutes(1), Wait(new FeedRow { IntervalSeconds = 5 }));
        Assert.Equal(TimeSpan.FromHours(24), Wait(new FeedRow { IntervalSeconds = 7 * 86400 }));
    }

    [Fact]
    public void ConsecutiveErrorsDoubleTheWaitUpToTheCeiling()
    {
        Assert.Equal(TimeSpan.FromMinutes(15), Wait(new FeedRow(), errors: 1));
        Assert.Equal(TimeSpan.FromMinutes(30), Wait(new FeedRow(), errors: 2));
        Assert.Equal(TimeSpan.FromMinutes(120), Wait(new FeedRow(), errors: 4));
        Assert.Equal(TimeSpan.FromHours(24), Wait(new FeedRow(), errors: 30));
    }

    [Fact]
    public void WhatTheServerOrFeedAsksIsHonouredWithinTheCeiling()
    {
        Assert.Equal(TimeSpan.FromHours(2), Wait(new FeedRow(), notSooner: TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromMinutes(15), Wait(new FeedRow(), notSooner: TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromHours(24), Wait(new FeedRow(), notSooner: TimeSpan.FromDays(30)));
    }

    [Fact]
    public void JitterAddsUpToATenthOfTheWaitSoFeedsAddedTogetherDriftApart()
    {
        Assert.Equal(TimeSpan.FromMinutes(15 * 1.05), Wait(new FeedRow(), jitter: 0.5));
        Assert.Equal(TimeSpan.FromHours(2 * 1.05), Wait(new FeedRow(), notSooner: TimeSpan.FromHours(2), jitter: 0.5));
        Assert.InRange(Wait(new FeedRow(), jitter: 0.999999), TimeSpan.FromMinutes(16.49), TimeSpan.FromMinutes(16.5));
    }
}
