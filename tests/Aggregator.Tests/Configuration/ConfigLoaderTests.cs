using Aggregator.Configuration;
using Aggregator.Rules;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.Configuration;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly ContentRoot _root = new();

    private AggregatorConfig Load(params string[] notifiers) =>
        ConfigLoader.Load(Path.Combine(_root.Path, "config"), "config", notifiers.Length == 0 ? ["console"] : notifiers);

    private ConfigException Fails(params string[] notifiers) => Assert.Throws<ConfigException>(() => Load(notifiers));

    [Fact]
    public void AValidConfigIsReadWithIntervalsTagsAndRules()
    {
        _root.WriteFeeds("""
            { "feeds": [
              { "name": "ISW", "url": "https://example.com/isw.xml", "interval": "15m", "tags": ["think-tank"] },
              { "name": "BBC", "url": "https://example.com/bbc.xml", "interval": "01:00:00" },
            ] }
            """);
        _root.WriteRules("""
            // comments and trailing commas are allowed
            { "rules": [ { "name": "r", "query": "Hezbollah AND Russia", "feeds": ["tag:think-tank"], "notify": ["email"] } ] }
            """);
        var config = Load("email");
        Assert.Equal(2, config.Feeds.Count);
        Assert.Equal(TimeSpan.FromMinutes(15), config.Feeds[0].Interval);
        Assert.Equal(TimeSpan.FromHours(1), config.Feeds[1].Interval);
        Assert.Equal(["think-tank"], config.Feeds[0].Tags);
        var rule = Assert.Single(config.Rules);
        Assert.True(rule.AppliesTo("ISW", ["think-tank"]));
        Assert.False(rule.AppliesTo("BBC", []));
    }

    [Fact]
    public void BrokenJsonIsReportedWithTheFileAndLine()
    {
        _root.WriteFeeds("""
            { "feeds": [
              { "name": "ISW", "url": "https://example.com/isw.xml" }
              { "name": "BBC", "url": "https://example.com/bbc.xml" }
            ] }
            """);
        var error = Assert.Single(Fails().Errors);
        Assert.StartsWith("config/feeds.json line 3", error);
        Assert.Contains("not valid JSON", error);
    }

    [Fact]
    public void AFeedWithoutUrlAndABadIntervalAreBothNamedWithTheirLines()
    {
        _root.WriteFeeds("""
            { "feeds": [
              { "name": "ok", "url": "https://example.com/a.xml" },
              { "name": "ISW" },
              { "name": "BBC", "url": "https://example.com/bbc.xml",
                "interval": "soon" }
            ] }
            """);
        var errors = Fails().Errors;
        Assert.Contains(errors, e => e.StartsWith("config/feeds.json line 3: feed \"ISW\": \"url\" is missing", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("config/feeds.json line 4: feed \"BBC\": \"interval\" must be a duration", StringComparison.Ordinal) && e.Contains("\"soon\""));
    }

    [Theory]
    [InlineData("ftp://example.com/feed.xml")]
    [InlineData("example.com/feed.xml")]
    public void AUrlThatIsNotAbsoluteHttpIsRefused(string url)
    {
        _root.WriteFeeds($$"""{ "feeds": [ { "name": "x", "url": "{{url}}" } ] }""");
        Assert.Contains(Fails().Errors, e => e.Contains("must be an absolute http:// or https:// URL", StringComparison.Ordinal));
    }

    [Fact]
    public void AMisspelledKeyIsNamedWithTheKnownKeys()
    {
        _root.WriteFeeds("""{ "feeds": [ { "name": "x", "url": "https://example.com/", "intreval": "15m" } ] }""");
        var error = Assert.Single(Fails().Errors);
        Assert.Contains("unknown key \"intreval\"", error);
        Assert.Contains("interval", error);
    }

    [Fact]
    public void DuplicateFeedNamesAreRefused()
    {
        _root.WriteFeeds("""{ "feeds": [ { "name": "x", "url": "https://a.example/" }, { "name": "X", "url": "https://b.example/" } ] }""");
        Assert.Contains(Fails().Errors, e => e.Contains("already named", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingFeedsFileSaysWhereItLooked()
    {
        var error = Assert.Single(Fails().Errors);
        Assert.StartsWith("config/feeds.json not found", error);
        Assert.Contains(_root.Path, error);
    }

    [Fact]
    public void ARuleNamingAnUnknownNotifierFeedOrTagIsRefused()
    {
        _root.WriteFeeds("""{ "feeds": [ { "name": "ISW", "url": "https://example.com/", "tags": ["tt"] } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "r", "query": "iran", "feeds": ["ISX", "tag:nope"], "notify": ["emial"] } ] }""");
        var errors = Fails("email", "ops").Errors;
        Assert.Contains(errors, e => e.Contains("unknown feed \"ISX\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("no feed has the tag \"nope\"", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("unknown notifier \"emial\"", StringComparison.Ordinal) && e.Contains("email, ops", StringComparison.Ordinal));
    }

    [Fact]
    public void AMalformedQueryNamesTheRuleAndTheColumn()
    {
        _root.WriteFeeds("""{ "feeds": [ { "name": "ISW", "url": "https://example.com/" } ] }""");
        _root.WriteRules("""
            { "rules": [
              { "name": "iran-russia", "query": "(iran AND russia))" }
            ] }
            """);
        var error = Assert.Single(Fails().Errors);
        Assert.StartsWith("config/rules.json line 2: rule \"iran-russia\": \"query\":", error);
        Assert.Contains("column 18", error);
    }

    [Fact]
    public void ADigestPeriodIsReadAndAnUnreadableOneIsNamedWithItsLine()
    {
        _root.WriteFeeds("""{ "feeds": [ { "name": "ISW", "url": "https://example.com/" } ] }""");
        _root.WriteRules("""{ "rules": [ { "name": "daily", "query": "iran", "digest": "1d" } ] }""");
        Assert.Equal(TimeSpan.FromDays(1), Assert.Single(Load().Rules).Digest?.Every);

        _root.WriteRules("""
            { "rules": [
              { "name": "daily", "query": "iran", "digest": "hourly" }
            ] }
            """);
        var error = Assert.Single(Fails().Errors);
        Assert.StartsWith("config/rules.json line 2: rule \"daily\": \"digest\" must be a duration like 15m, 2h", error);
        Assert.Contains("\"hourly\"", error);
    }

    [Fact]
    public void LimitQuietHoursTimeZoneUrgentAndLocalDigestsAreRead()
    {
        _root.WriteFeeds("""{ "feeds": [ { "name": "ISW", "url": "https://example.com/" } ] }""");
        _root.WriteRules("""
            { "rules": [
              { "name": "a", "query": "iran", "limit": "5/h", "quietHours": "22:00-07:00", "timeZone": "Europe/London", "urgent": true },
              { "name": "b", "query": "iran", "limit": "none", "digest": "weekdays 07:30" },
              { "name": "c", "query": "iran" }
            ] }
            """);
        var rules = Load().Rules;
        Assert.Equal(new AlertLimit(5, TimeSpan.FromHours(1)), rules[0].Limit);
        Assert.Equal(new QuietHours(new TimeOnly(22, 0), new TimeOnly(7, 0)), rules[0].QuietHours);
        Assert.Equal("Europe/London", rules[0].TimeZone?.Id);
        Assert.True(rules[0].Urgent);
        Assert.Null(rules[1].Limit);
        Assert.Equal("0 30 7 ? * MON-FRI", rules[1].Digest?.Cron);
        Assert.Equal(AlertLimit.Default, rules[2].Limit); // 20/h
        Assert.False(rules[2].Urgent);
    }

    [Theory]
    [InlineData("\"limit\": \"10/week\"", "\"limit\" must be a count per minute, hour or day like \"10/h\"")]
    [InlineData("\"limit\": 10", "\"limit\" must be a count per minute, hour or day like \"10/h\"")]
    [InlineData("\"timeZone\": \"Europe/Lundon\"", "\"timeZone\" \"Europe/Lundon\" is not a time zone known here; write an IANA time zone name like \"Europe/London\" or \"America/New_York\" (did you mean \"Europe/London\"?)")]
    [InlineData("\"quietHours\": \"22-7\"", "\"quietHours\" must be a range of local times like \"22:00-07:00\"")]
    [InlineData("\"digest\": \"0 0 25 * * ?\"", "is not a valid Quartz cron expression")]
    [InlineData("\"urgent\": \"yes\"", "\"urgent\" must be true or false")]
    public void EachBadDeliverySettingIsOneSentenceNamingItsKey(string setting, string expected)
    {
        _root.WriteFeeds("""{ "feeds": [ { "name": "ISW", "url": "https://example.com/" } ] }""");
        _root.WriteRules($$"""
            { "rules": [
              { "name": "iran-russia", "query": "iran", {{setting}} }
            ] }
            """);
        var error = Assert.Single(Fails().Errors);
        Assert.StartsWith("config/rules.json line 2: rule \"iran-russia\": ", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain(". ", error.TrimEnd('.')); // one sentence
        Assert.DoesNotContain('\n', error);
    }

    public void Dispose() => _root.Dispose();
}
