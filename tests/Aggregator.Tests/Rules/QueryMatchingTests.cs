using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>What a query matches, case by case: query, title, summary, content, expected.</summary>
public sealed class QueryMatchingTests
{
    private static bool Matches(string query, string? title, string? summary = null, string? content = null,
        string? author = null, string[]? categories = null, string? url = null, string? feed = null) =>
        Query.Parse(query).Match(MatchDocument.Create(new EntryFields(title, summary, content, author, categories, url, feed))) is not null;

    [Theory]
    // whole words, any case, accents ignored
    [InlineData("iran", "Iran talks resume", true)]
    [InlineData("iran", "IRAN TALKS", true)]
    [InlineData("IRAN", "talks in iran", true)]
    [InlineData("iran", "Iranian talks", false)]
    [InlineData("iran", "Tehran", false)]
    [InlineData("cafe", "A café in Paris", true)]
    [InlineData("café", "A cafe in Paris", true)]
    [InlineData("sao paulo", "São Paulo floods", true)]
    [InlineData("zurich", "ZÜRICH", true)]
    [InlineData("russia", "Russia's army", true)]
    [InlineData("russia", "Russian army", false)]
    [InlineData("2026", "Budget for 2026 approved", true)]
    [InlineData("20", "Budget for 2026 approved", false)]
    // prefixes
    [InlineData("iran*", "Iranian talks", true)]
    [InlineData("iran*", "Iran talks", true)]
    [InlineData("iran*", "Tehran", false)]
    [InlineData("sanction*", "new sanctions imposed", true)]
    // phrases
    [InlineData("\"red sea\"", "Shipping in the Red Sea", true)]
    [InlineData("\"red sea\"", "Red flags at sea", false)]
    [InlineData("\"red sea\"", "the sea is red", false)]
    [InlineData("\"red sea\"", "Red-Sea shipping", true)]
    [InlineData("\"red sea\"", "Red, sea", true)]
    [InlineData("al-qaeda", "Al Qaeda claims", true)]
    [InlineData("al-qaeda", "al-Qaeda claims", true)]
    [InlineData("\"al qaeda\"", "AL-QAEDA", true)]
    [InlineData("\"new sanction*\"", "new sanctions", true)]
    // implicit AND, AND, OR, NOT
    [InlineData("hezbollah russia", "Hezbollah and Russia", true)]
    [InlineData("hezbollah russia", "Hezbollah alone", false)]
    [InlineData("hezbollah AND russia", "Russia meets Hezbollah", true)]
    [InlineData("hezbollah AND russia", "Russia alone", false)]
    [InlineData("hezbollah OR russia", "Russia alone", true)]
    [InlineData("hezbollah OR russia", "nobody", false)]
    [InlineData("russia NOT sport", "Russia wins", true)]
    [InlineData("russia NOT sport", "Russia sport news", false)]
    [InlineData("russia -sport", "Russia sport news", false)]
    [InlineData("russia -sport", "Russia politics", true)]
    [InlineData("russia -\"world cup\"", "Russia world cup", false)]
    [InlineData("russia -\"world cup\"", "Russia cup of the world", true)]
    [InlineData("NOT sport", "politics", true)]
    [InlineData("NOT sport", "sport", false)]
    [InlineData("NOT NOT sport", "sport", true)]
    [InlineData("-(sport OR football) russia", "Russia football", false)]
    [InlineData("-(sport OR football) russia", "Russia diplomacy", true)]
    // precedence: NOT > AND > OR
    [InlineData("a OR b AND c", "a", true)]
    [InlineData("a OR b AND c", "b", false)]
    [InlineData("a OR b AND c", "b c", true)]
    [InlineData("(a OR b) AND c", "a", false)]
    [InlineData("(a OR b) AND c", "a c", true)]
    [InlineData("a AND NOT b OR c", "c", true)]
    [InlineData("a AND NOT b OR c", "a b", false)]
    [InlineData("((iran))", "Iran", true)]
    [InlineData("(hezbollah OR iran OR syria) AND russia", "Syria and Russia", true)]
    [InlineData("(hezbollah OR iran OR syria) AND russia", "Syria and Turkey", false)]
    // lowercase operators are words
    [InlineData("war and peace", "war peace", false)]
    [InlineData("war and peace", "war and peace", true)]
    [InlineData("cats or dogs", "cats", false)]
    // NEAR
    [InlineData("iran NEAR/3 deal", "Iran signs a new deal", true)]
    [InlineData("iran NEAR/3 deal", "deal with Iran", true)]
    [InlineData("iran NEAR/2 deal", "Iran signs a new big deal", false)]
    [InlineData("iran NEAR/0 deal", "Iran deal", true)]
    [InlineData("\"red sea\" NEAR/2 attack", "attack in the Red Sea", true)]
    [InlineData("iran NEAR deal", "Iran one two three four five six seven eight nine deal", true)]
    [InlineData("iran NEAR deal", "Iran 1 2 3 4 5 6 7 8 9 10 11 deal", false)]
    public void TextQueries(string query, string title, bool expected) => Assert.Equal(expected, Matches(query, title));

    [Theory]
    [InlineData("iran", null, "Iran in the summary", null, true)]
    [InlineData("iran", null, null, "Iran in the content", true)]
    [InlineData("title:iran", null, "Iran in the summary", null, false)]
    [InlineData("title:iran", "Iran", null, null, true)]
    [InlineData("summary:iran", "Iran", "nothing", null, false)]
    [InlineData("content:iran", "x", "x", "<b>Iran</b> text", true)]
    [InlineData("\"red sea\"", "red", "sea", null, false)]
    [InlineData("red sea", "red", "sea", null, true)]
    [InlineData("title:(iran OR iraq)", "Iraq votes", null, null, true)]
    [InlineData("title:(iran OR iraq)", "x", "Iraq votes", null, false)]
    [InlineData("title:\"red sea\"", "Red Sea", null, null, true)]
    [InlineData("iran NEAR/1 deal", "Iran", "deal", null, false)]
    public void FieldQueries(string query, string? title, string? summary, string? content, bool expected) =>
        Assert.Equal(expected, Matches(query, title, summary, content));

    [Fact]
    public void AuthorCategoryUrlAndFeedFieldsLookOnlyThere()
    {
        Assert.True(Matches("author:doe", "x", author: "Jane Doe"));
        Assert.False(Matches("author:doe", "Doe", author: "Jane Smith"));
        Assert.False(Matches("doe", "x", author: "Jane Doe"));
        Assert.True(Matches("category:\"middle east\"", "x", categories: ["World", "Middle East"]));
        Assert.False(Matches("category:middle", "x", categories: ["Middle East"]));
        Assert.True(Matches("category:middle*", "x", categories: ["Middle East"]));
        Assert.True(Matches("url:example.com/world", "x", url: "https://EXAMPLE.com/world/1"));
        Assert.False(Matches("url:example.org", "x", url: "https://example.com/"));
        Assert.True(Matches("url:https://example.com", "x", url: "https://example.com/a"));
        Assert.True(Matches("feed:isw", "x", feed: "ISW"));
        Assert.True(Matches("feed:\"war studies\" iran", "Iran", feed: "Institute for War Studies"));
    }

    [Theory]
    [InlineData("/iran(ian)?/i", "IRANIAN talks", true)]
    [InlineData("/iran(ian)?/", "IRANIAN talks", false)]
    [InlineData("/\\d{4}-\\d{2}/", "on 2026-11 we", true)]
    [InlineData("title:/^Breaking/", "Breaking: news", true)]
    [InlineData("title:/^Breaking/", "Not Breaking", false)]
    [InlineData("/(a+)+b/", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaac", false)]
    public void RegexQueries(string query, string title, bool expected) => Assert.Equal(expected, Matches(query, title));

    [Fact]
    public void MarkupCannotFakeAHitBecauseMatchingRunsOnPlainText()
    {
        // The parser hands plain text; an attribute value never reaches the matcher.
        Assert.False(Matches("iran", "Weather", "Sunny all day"));
    }

    [Theory]
    [InlineData("Москва", "В Москве и Москва", true)]
    [InlineData("москва", "МОСКВА", true)]
    [InlineData("حزب", "حزب الله يعلن", true)]
    [InlineData("北京", "今天北京下雨", true)]
    [InlineData("東京", "今天北京下雨", false)]
    public void UnicodeTextIsTokenisedSanely(string query, string title, bool expected) => Assert.Equal(expected, Matches(query, title));

    [Fact]
    public void TheTermsThatHitAreReportedAsWrittenOncePerTerm()
    {
        var match = Query.Parse("Hezbollah AND (Russia OR \"Red Sea\" OR Iran) -sport")
            .Match(MatchDocument.Create(new EntryFields("Hezbollah, Russia and the Red Sea", "Russia again", null)));
        Assert.NotNull(match);
        Assert.Equal(["Hezbollah", "Russia", "\"Red Sea\""], match.Terms);
    }

    [Fact]
    public void NullAndEmptyFieldsMatchNothing()
    {
        Assert.False(Matches("iran", null, null, null));
        Assert.False(Matches("iran", "", "", ""));
        Assert.True(Matches("NOT iran", null, null, null));
    }
}
