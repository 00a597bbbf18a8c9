using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

public sealed class QuerySyntaxTests
{
    [Theory]
    [InlineData("(iran AND russia))", 18, "unexpected ')' at column 18")]
    [InlineData("", 1, "empty query")]
    [InlineData("   ", 1, "empty query")]
    [InlineData("iran AND", 9, "expected a word, \"phrase\", /regex/ or ( at column 9 (end of query)")]
    [InlineData("OR iran", 1, "unexpected 'OR' at column 1")]
    [InlineData("iran OR OR russia", 9, "unexpected 'OR' at column 9")]
    [InlineData("(iran AND russia", 1, "missing ')' for the '(' at column 1")]
    [InlineData("iran ()", 6, "empty parentheses at column 6")]
    [InlineData("\"red sea", 1, "unterminated phrase starting at column 1")]
    [InlineData("iran NOT", 6, "expected a term after NOT at column 9 (end of query)")]
    [InlineData("titel:iran", 1, "unknown field 'titel:' at column 1")]
    [InlineData("title:summary:iran", 7, "field 'summary:' at column 7 is inside another field")]
    [InlineData("title:(summary:iran)", 8, "field 'summary:' at column 8 is inside another field")]
    [InlineData("title:-iran", 7, "unexpected '-' at column 7; expected a word, \"phrase\" or ( after 'title:'")]
    [InlineData("/unclosed", 1, "unterminated regular expression starting at column 1")]
    [InlineData("/a(/", 1, "invalid regular expression at column 1")]
    [InlineData("/a/x", 1, "unknown regular expression flag")]
    [InlineData("iran NEAR/x deal", 6, "NEAR needs a distance in words")]
    [InlineData("(a OR b) NEAR/3 c", 10, "NEAR at column 10 works between two words, phrases or @lists")]
    [InlineData("iran AND —", 10, "'—' at column 10 has no letters or digits")]
    public void AMalformedQueryNamesTheColumnAndWhatWasExpected(string query, int column, string message)
    {
        var error = Assert.Throws<QuerySyntaxException>(() => Query.Parse(query));
        Assert.Contains(message, error.Message);
        if (!error.Message.StartsWith("expected a term after NOT", StringComparison.Ordinal)) Assert.Equal(column, error.Column);
    }

    [Theory]
    [InlineData("Update: Russia")]
    [InlineData("10:30 briefing")]
    [InlineData("url:https://example.com/a?b=c")]
    [InlineData("c++ OR c#")]
    public void ColonsAndPunctuationInWordsAreNotMistakenForSyntax(string query) => Query.Parse(query);
}
