using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>lang: matches the entry's stored language by its subtags (RFC 4647 basic filtering).</summary>
public sealed class LanguageQueryTests
{
    private static bool Matches(string query, string? language, string title = "Новости") =>
        Query.Parse(query).Match(MatchDocument.Create(new EntryFields(title, null, null, Language: language))) is not null;

    [Theory]
    [InlineData("lang:ru", "ru", true)]
    [InlineData("lang:ru", "ru-RU", true)]
    [InlineData("lang:ru", "RU", true)]
    [InlineData("lang:ru", "ru_RU", true)]
    [InlineData("lang:RU", "ru", true)]
    [InlineData("lang:ru", "rue", false)]
    [InlineData("lang:ru", "uk", false)]
    [InlineData("lang:ru", null, false)]
    [InlineData("lang:ru", "", false)]
    [InlineData("lang:(ru OR uk)", "uk", true)]
    [InlineData("lang:(ru OR uk)", "fa", false)]
    [InlineData("lang:pt-br", "pt-BR", true)]
    [InlineData("lang:pt-br", "pt", false)]
    [InlineData("-lang:ru", "en", true)]
    [InlineData("-lang:ru", "ru", false)]
    [InlineData("новости lang:ru", "ru", true)]
    [InlineData("новости lang:ru", "fa", false)]
    [InlineData("lang:ru OR новости", "fa", true)]
    public void LangMatchesThePrimarySubtagAndItsVariants(string query, string? language, bool expected) =>
        Assert.Equal(expected, Matches(query, language));

    [Fact]
    public void LangIsNoTermThatHits() => Assert.Empty(Query.Parse("lang:ru").Match(MatchDocument.Create(new EntryFields("x", null, null, Language: "ru")))!.Terms);

    [Theory]
    [InlineData("lang:\"ru\"", 6, "lang: at column 6 takes a language code")]
    [InlineData("lang:/ru/", 6, "lang: at column 6 takes a language code")]
    [InlineData("lang:ru*", 6, "'ru*' at column 6 is no language code")]
    [InlineData("lang:r", 6, "'r' at column 6 is no language code")]
    [InlineData("lang:(ru NEAR uk)", 10, "NEAR at column 10 works between two words, phrases or @lists")]
    [InlineData("title:lang:ru", 7, "field 'lang:' at column 7 is inside another field")]
    public void ABadLanguageCodeIsAnErrorAtItsColumn(string query, int column, string message)
    {
        var error = Assert.Throws<QuerySyntaxException>(() => Query.Parse(query));
        Assert.Contains(message, error.Message);
        Assert.Equal(column, error.Column);
    }
}
