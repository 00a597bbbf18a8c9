using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

public sealed class FeedDatesTests
{
    [Theory]
    [InlineData("Sun, 23 Nov 2026 08:15:00 GMT", "2026-11-23T08:15:00Z")]
    [InlineData("Sun, 23 Nov 2026 08:15:00 +0200", "2026-11-23T06:15:00Z")]
    [InlineData("23 Nov 2026 08:15:00 -0500", "2026-11-23T13:15:00Z")]
    [InlineData("Sun, 23 Nov 2026 08:15 EST", "2026-11-23T13:15:00Z")]
    [InlineData("Sun, 23 Nov 2026 08:15:00 PDT", "2026-11-23T15:15:00Z")]
    [InlineData("Sun, 23 Nov 26 08:15:00 GMT", "2026-11-23T08:15:00Z")]
    [InlineData("Sun, 23 November 2026 08:15:00 GMT", "2026-11-23T08:15:00Z")]
    [InlineData("Sun, 23 Nov 2026 08:15:00 AEDT", "2026-11-22T21:15:00Z")]
    [InlineData("Sun, 23 Nov 2026 08:15:00", "2026-11-23T08:15:00Z")]
    [InlineData("Sun, 23 Nov 2026 10:00:00 A", "2026-11-23T11:00:00Z")]
    [InlineData("Fri, 11 Mar 2016 01:15:00 +3000", "2016-03-09T19:15:00Z")]
    [InlineData("Sunday, 23-Nov-26 08:15:00 GMT", "2026-11-23T08:15:00Z")]
    [InlineData("2026-11-23T08:15:00Z", "2026-11-23T08:15:00Z")]
    [InlineData("2026-11-23T08:15:00.123+01:00", "2026-11-23T07:15:00Z")]
    [InlineData("2026-11-23T08:15+01:00", "2026-11-23T07:15:00Z")]
    [InlineData("2026-11-23 08:15:00", "2026-11-23T08:15:00Z")]
    [InlineData("2026-11-23", "2026-11-23T00:00:00Z")]
    [InlineData("2026-11", "2026-11-01T00:00:00Z")]
    [InlineData("20261123T081500Z", "2026-11-23T08:15:00Z")]
    [InlineData("2006-01-17T12:35:8+01:00", "2006-01-17T11:35:08Z")]
    public void RealWorldDatesAreRead(string text, string utc) =>
        Assert.Equal(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), FeedDates.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("32 Nov 2026 08:15:00 GMT")]
    [InlineData("2026-13-01")]
    [InlineData("2026-02-30T00:00:00Z")]
    [InlineData("Sun, 23 Foo 2026 08:15:00 GMT")]
    public void UnreadableDatesAreNull(string text) => Assert.Null(FeedDates.Parse(text));
}
