using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>A query is bounded before it is parsed (issue 14): 8,000 nested parentheses used to overflow the stack,
/// which ends the process (run, search and rules test alike) without any handler seeing it.</summary>
public sealed class QueryLimitTests
{
    private static QuerySyntaxException Fails(string query) => Assert.Throws<QuerySyntaxException>(() => Query.Parse(query));

    [Fact]
    public void SixtyFourLevelsParseAndMatch()
    {
        var query = new string('(', 64) + "iran" + new string(')', 64);
        Assert.NotNull(Query.Parse(query).Match(MatchDocument.Create(new EntryFields("Iran", null, null))));
        Assert.NotNull(Query.Parse(string.Concat(Enumerable.Repeat("NOT ", 64)) + "iran"));
    }

    [Theory]
    [InlineData(65)]
    [InlineData(8_000)]
    public void DeeperParenthesesAreAnErrorAtTheFirstLevelTooDeep(int levels)
    {
        var error = Fails(new string('(', levels) + "iran");
        Assert.Equal("parentheses nested deeper than 64 at column 65; write the query flatter", error.Message);
        Assert.Equal(65, error.Column);
    }

    [Theory]
    [InlineData("-", 65)]
    [InlineData("-", 8_000)]
    [InlineData("-(", 4_000)]
    public void DeepNotChainsAreAnErrorToo(string level, int count)
    {
        var error = Fails(string.Concat(Enumerable.Repeat(level, count)) + "iran");
        Assert.Contains("nested deeper than 64 at column 65", error.Message);
    }

    [Fact]
    public void NotWrittenOutCountsTheSame() =>
        Assert.Equal("NOT and - nested deeper than 64 at column 257; write the query flatter",
            Fails(string.Concat(Enumerable.Repeat("NOT ", 65)) + "iran").Message);

    [Theory]
    [InlineData(8_000)]
    [InlineData(100_000)]
    public void AQueryLongerThanTheLimitIsRefusedBeforeItIsRead(int levels)
    {
        var error = Fails(new string('(', levels) + "iran" + new string(')', levels));
        Assert.StartsWith($"query of {2 * levels + 4:N0} characters is longer than 10,000 at column 10001", error.Message);
        Assert.Equal(10_001, error.Column);
    }
}
