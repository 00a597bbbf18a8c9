using System.Globalization;
using Aggregator.Configuration;
using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>Quiet hours, local digest schedules and flood-guard limits as rules.json writes them, read in a zone with
/// daylight saving (Europe/London: GMT in winter, BST = UTC+1 from the last Sunday of March to the last of October).</summary>
public sealed class LocalScheduleTests
{
    private static readonly TimeZoneInfo London = LocalClock.FindZone("Europe/London")!;

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);

    private static DigestSchedule Schedule(string text) =>
        DigestSchedule.Parse(text, t => Duration.TryParse(t, out var d) ? d : null, out var problem) ?? throw new InvalidOperationException(problem ?? text);

    [Theory]
    // Winter: 08:00 local is 08:00Z; the period before the March change is 23 hours, the one after October's 25.
    [InlineData("2026-03-28T10:00:00Z", "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", 23)]
    [InlineData("2026-03-29T07:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z", 24)]
    [InlineData("2026-10-24T10:00:00Z", "2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z", 25)]
    [InlineData("2026-10-25T08:00:00Z", "2026-10-25T08:00:00Z", "2026-10-26T08:00:00Z", 24)]
    [InlineData("2026-10-25T07:59:59Z", "2026-10-24T07:00:00Z", "2026-10-25T08:00:00Z", 25)]
    public void ADailyDigestRunsFromOneLocalEightOClockToTheNextAcrossClockChanges(string at, string start, string end, int hours)
    {
        var period = Schedule("daily 08:00").LocalPeriodContaining(At(at), London)!.Value;
        Assert.Equal((At(start), At(end)), (period.Start, period.End));
        Assert.Equal(TimeSpan.FromHours(hours), period.End - period.Start);
    }

    [Fact]
    public void AWeekdaysDigestGathersTheWeekendIntoMondaysMessage()
    {
        // Friday 2026-11-27 07:30 to Monday 2026-11-30 07:30 (GMT).
        var period = Schedule("weekdays 07:30").LocalPeriodContaining(At("2026-11-28T15:00:00Z"), London)!.Value;
        Assert.Equal((At("2026-11-27T07:30:00Z"), At("2026-11-30T07:30:00Z")), (period.Start, period.End));
    }

    [Fact]
    public void ACronExpressionIsReadInTheZone()
    {
        var schedule = Schedule("0 0 8,17 ? * MON-FRI");
        Assert.Equal("0 0 8,17 ? * MON-FRI", schedule.Cron);
        // Wednesday 2026-07-15, 12:00 BST: from 08:00 BST to 17:00 BST.
        var period = schedule.LocalPeriodContaining(At("2026-07-15T11:00:00Z"), London)!.Value;
        Assert.Equal((At("2026-07-15T07:00:00Z"), At("2026-07-15T16:00:00Z")), (period.Start, period.End));
    }

    [Fact]
    public void AFixedPeriodStaysAFixedUtcPeriod()
    {
        var schedule = Schedule("1h");
        Assert.Equal(TimeSpan.FromHours(1), schedule.Every);
        Assert.Null(schedule.Cron);
    }

    [Theory]
    [InlineData("hourly", null)]
    [InlineData("daily 25:00", null)]
    [InlineData("monthly 08:00", null)]
    [InlineData("0 0 25 * * ?", "is not a valid Quartz cron expression")]
    [InlineData("0 0 8 ? * * 2001", "never fires again")]
    public void WhatIsNoScheduleIsRefusedAndABadCronSaysWhy(string text, string? problem)
    {
        Assert.Null(DigestSchedule.Parse(text, t => Duration.TryParse(t, out var d) ? d : null, out var said));
        if (problem is null) Assert.Null(said);
        else Assert.Contains(problem, said);
    }

    [Theory]
    // An ordinary winter night: 22:00 to 07:00 GMT, nine hours.
    [InlineData("2026-11-23T23:00:00Z", "2026-11-23T22:00:00Z", "2026-11-24T07:00:00Z")]
    [InlineData("2026-11-24T06:59:59Z", "2026-11-23T22:00:00Z", "2026-11-24T07:00:00Z")]
    // The night the clocks go forward is eight hours (22:00 GMT to 07:00 BST), the night they go back ten.
    [InlineData("2026-03-29T03:00:00Z", "2026-03-28T22:00:00Z", "2026-03-29T06:00:00Z")]
    [InlineData("2026-10-25T03:00:00Z", "2026-10-24T21:00:00Z", "2026-10-25T07:00:00Z")]
    public void QuietHoursOverMidnightAreComputedInTheZone(string at, string start, string end)
    {
        Assert.True(QuietHours.TryParse("22:00-07:00", out var quiet));
        var period = quiet!.PeriodContaining(At(at), London)!.Value;
        Assert.Equal((At(start), At(end)), (period.Start, period.End));
    }

    [Theory]
    [InlineData("2026-11-23T21:59:59Z")]
    [InlineData("2026-11-24T07:00:00Z")]
    [InlineData("2026-11-24T12:00:00Z")]
    public void OutsideQuietHoursThereIsNoQuietPeriod(string at)
    {
        Assert.True(QuietHours.TryParse("22:00-07:00", out var quiet));
        Assert.Null(quiet!.PeriodContaining(At(at), London));
    }

    [Theory]
    [InlineData("22:00")]
    [InlineData("22:00-22:00")]
    [InlineData("24:00-07:00")]
    [InlineData("10pm-7am")]
    [InlineData("")]
    public void AMalformedQuietRangeIsRefused(string text) => Assert.False(QuietHours.TryParse(text, out _));

    [Fact]
    public void AWallClockTimeTheClocksSkipIsTheInstantTheyJumpedAsInQuartz()
    {
        // 2026-03-29: London's clocks go from 01:00 GMT to 02:00 BST; 01:30 does not happen there.
        Assert.Equal(At("2026-03-29T01:00:00Z"), LocalClock.ToInstant(new DateTime(2026, 3, 29, 1, 30, 0), London));
        // 2026-10-25: 01:30 happens twice; the first is BST.
        Assert.Equal(At("2026-10-25T00:30:00Z"), LocalClock.ToInstant(new DateTime(2026, 10, 25, 1, 30, 0), London));
    }

    [Theory]
    [InlineData("10/h", 10, 3600)]
    [InlineData("5/m", 5, 60)]
    [InlineData(" 200 / d ", 200, 86400)]
    public void ALimitIsACountPerMinuteHourOrDay(string text, int count, int seconds)
    {
        Assert.True(AlertLimit.TryParse(text, out var limit));
        Assert.Equal(new AlertLimit(count, TimeSpan.FromSeconds(seconds)), limit);
    }

    [Theory]
    [InlineData("0/h")]
    [InlineData("-1/h")]
    [InlineData("10/w")]
    [InlineData("10")]
    [InlineData("ten/h")]
    [InlineData("none")] // the config loader reads "none" itself
    public void ALimitThatIsNotAPositiveCountPerUnitIsRefused(string text) => Assert.False(AlertLimit.TryParse(text, out _));
}
