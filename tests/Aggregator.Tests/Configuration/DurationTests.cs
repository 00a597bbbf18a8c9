using Aggregator.Configuration;

namespace Aggregator.Tests.Configuration;

public sealed class DurationTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("1w", 604800)]
    [InlineData("00:15:00", 900)]
    [InlineData("1.00:00:00", 86400)]
    public void DurationsAreReadInBothForms(string text, double seconds)
    {
        Assert.True(Duration.TryParse(text, out var value));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("15")]
    [InlineData("-5m")]
    [InlineData("0m")]
    [InlineData("5y")]
    public void NonsenseIsNotADuration(string text) => Assert.False(Duration.TryParse(text, out _));
}
