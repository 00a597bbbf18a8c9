using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>More query/text cases: punctuation, numbers, accents, operator combinations and fields.</summary>
public sealed class QueryMatchingMoreTests
{
    private static bool Matches(string query, string? title, string? summary = null) =>
        Query.Parse(query).Match(MatchDocument.Create(new EntryFields(title, summary, null))) is not null;

    [Theory]
    // punctuation and word boundaries
    [InlineData("iran", "(Iran)", true)]
    [InlineData("iran", "Iran's", true)]
    [InlineData("iran", "\"Iran\"", true)]
    [InlineData("iran", "Iran.", true)]
    [InlineData("iran", "Iran-backed", true)]
    [InlineData("iran", "#Iran", true)]
    [InlineData("iran", "Iran2026", false)]
    [InlineData("iran", "irán", true)]
    [InlineData("irán", "IRAN", true)]
    [InlineData("iran", "i-r-a-n", false)]
    [InlineData("f-35", "F-35 jets", true)]
    [InlineData("f-35", "F 35 jets", true)]
    [InlineData("f-35", "F35 jets", false)]
    [InlineData("\"f-35\"", "the F-35", true)]
    [InlineData("u.s.", "U.S. forces", true)]
    [InlineData("us", "U.S. forces", false)]
    [InlineData("covid-19", "COVID-19 cases", true)]
    [InlineData("3.5", "rates 3.5%", true)]
    [InlineData("3.5", "rates 35%", false)]
    // prefixes
    [InlineData("russ*", "Russians", true)]
    [InlineData("russ*", "Prussia", false)]
    [InlineData("sanc*", "SANCTIONED", true)]
    [InlineData("cafe*", "Cafés open", true)]
    [InlineData("hezb* AND russ*", "Hezbollah, Russian", true)]
    [InlineData("hezb* AND russ*", "Hezbollah only", false)]
    // phrases
    [InlineData("\"united nations\"", "The United Nations said", true)]
    [InlineData("\"united nations\"", "united (nations)", true)]
    [InlineData("\"united nations\"", "nations united", false)]
    [InlineData("\"security council\"", "UN Security-Council", true)]
    [InlineData("\"red sea\" -houthi", "Red Sea shipping", true)]
    [InlineData("\"red sea\" -houthi", "Houthi attack in the Red Sea", false)]
    [InlineData("\"strait of hormuz\"", "Strait of Hormuz closed", true)]
    [InlineData("\"strait of hormuz\"", "Strait near Hormuz", false)]
    // operators
    [InlineData("iran OR iraq OR syria", "Syria", true)]
    [InlineData("iran OR iraq OR syria", "Lebanon", false)]
    [InlineData("iran AND iraq AND syria", "Iran Iraq Syria", true)]
    [InlineData("iran AND iraq AND syria", "Iran Iraq", false)]
    [InlineData("(iran OR iraq) (oil OR gas)", "Iraq gas", true)]
    [InlineData("(iran OR iraq) (oil OR gas)", "Iraq wheat", false)]
    [InlineData("iran NOT (oil OR gas)", "Iran gas", false)]
    [InlineData("iran NOT (oil OR gas)", "Iran wheat", true)]
    [InlineData("NOT iran NOT iraq", "Syria", true)]
    [InlineData("NOT iran NOT iraq", "Iraq", false)]
    [InlineData("iran -iraq -syria", "Iran Syria", false)]
    [InlineData("-iran", "Iraq", true)]
    [InlineData("Iran OR", "x", false)]
    // NEAR
    [InlineData("putin NEAR/2 erdogan", "Putin met Erdogan", true)]
    [InlineData("putin NEAR/2 erdogan", "Erdogan and Putin", true)]
    [InlineData("putin NEAR/1 erdogan", "Putin then met Erdogan", false)]
    [InlineData("putin NEAR/3 \"recep erdogan\"", "Putin meets Recep Erdogan", true)]
    [InlineData("putin NEAR/3 erdogan OR xi", "Xi", true)]
    [InlineData("putin NEAR/3 erdogan AND talks", "Putin, Erdogan; no deal", false)]
    // fields
    [InlineData("title:iran OR summary:iraq", "nothing", false)]
    [InlineData("title:(iran -oil)", "Iran oil", false)]
    [InlineData("title:(iran -oil)", "Iran wheat", true)]
    [InlineData("title:\"red sea\" NEAR/2 attack", "Red Sea attack", true)]
    [InlineData("title:iran*", "Iranian", true)]
    public void MoreTextQueries(string query, string title, bool expected)
    {
        if (query == "Iran OR")
        {
            Assert.Throws<QuerySyntaxException>(() => Query.Parse(query));
            return;
        }
        Assert.Equal(expected, Matches(query, title));
    }

    [Theory]
    [InlineData("title:iran", "Iraq", "Iran", false)]
    [InlineData("summary:iran", "Iraq", "Iran", true)]
    [InlineData("iran iraq", "Iran", "Iraq", true)]
    [InlineData("iran NEAR/5 iraq", "Iran", "Iraq", false)]
    [InlineData("title:iran summary:iraq", "Iran", "Iraq", true)]
    [InlineData("title:iran summary:iraq", "Iraq", "Iran", false)]
    public void TitleAndSummaryAreSeparateFields(string query, string title, string summary, bool expected) =>
        Assert.Equal(expected, Matches(query, title, summary));
}
