using Aggregator.Rules;

namespace Aggregator.Tests.Rules;

/// <summary>@name: one term, many spellings (rules.json "terms"); the spelling that hit is what the alert reports.</summary>
public sealed class TermListTests
{
    private static readonly TermLists Lists = new([
        new("hezbollah", ["Hezbollah", "Hizballah", "Hizbollah", "Hizbullah", "Хезболл*", "حزب الله", "حزب\u200cالله"]),
        new("irgc", ["IRGC", "Revolutionary Guard*", "стражей исламской революции", "سپاه پاسداران", "الحرس الثوري"]),
        new("wagner", ["Wagner Group", "ЧВК Вагнер*", "Африканск* корпус*", "فاغنر"]),
        new("russia", ["Russia", "Росси*", "روسيا", "روسیه"]),
    ]);

    private static QueryMatch? Match(string query, string? title, string? summary = null) =>
        Query.Parse(query, Lists).Match(MatchDocument.Create(new EntryFields(title, summary, null)));

    [Theory]
    [InlineData("@hezbollah", "Hizballah fighters", "Hizballah")]
    [InlineData("@hezbollah", "HIZBULLAH", "Hizbullah")]
    [InlineData("@hezbollah", "Позиции Хезболлы", "Хезболл*")]
    [InlineData("@hezbollah", "Хезболла заявила", "Хезболл*")]
    [InlineData("@hezbollah", "مقاتلو حزب الله", "حزب الله")]
    [InlineData("@hezbollah", "دعم لحزب الله", "حزب الله")]
    [InlineData("@hezbollah", "حزب‌الله لبنان", "حزب\u200cالله")]
    [InlineData("@HEZBOLLAH", "Hizbollah", "Hizbollah")]
    [InlineData("@irgc", "Iran's Revolutionary Guards said", "Revolutionary Guard*")]
    [InlineData("@irgc", "the IRGC navy", "IRGC")]
    [InlineData("@irgc", "Командующий Корпуса стражей исламской революции", "стражей исламской революции")]
    [InlineData("@irgc", "قال الحرس الثوري الإيراني", "الحرس الثوري")]
    [InlineData("@irgc", "بيان للحرس الثوري", "الحرس الثوري")]
    [InlineData("@irgc", "فرمانده سپاه پاسداران انقلاب اسلامی", "سپاه پاسداران")]
    [InlineData("@wagner", "бойцы ЧВК «Вагнер»", "ЧВК Вагнер*")]
    [InlineData("@wagner", "командиры ЧВК Вагнера", "ЧВК Вагнер*")]
    [InlineData("@wagner", "бойцы Африканского корпуса", "Африканск* корпус*")]
    [InlineData("@wagner", "مرتزقة فاغنر", "فاغنر")]
    [InlineData("@wagner", "the Wagner Group in Mali", "Wagner Group")]
    [InlineData("@russia", "Россия и Иран", "Росси*")]
    [InlineData("@russia", "وفد من روسيا", "روسيا")]
    [InlineData("@russia", "سفر به روسیه", "روسیه")]
    [InlineData("@hezbollah AND @russia", "Хезболла и Россия", "Хезболл*")]
    [InlineData("@hezbollah NEAR/3 Israel", "Hizballah fires rockets at Israel", "Hizballah")]
    [InlineData("title:@hezbollah", "حزب الله", "حزب الله")]
    public void AListMatchesAnyOfItsSpellingsAndReportsTheOneThatHit(string query, string title, string reported)
    {
        var hit = Match(query, title);
        Assert.NotNull(hit);
        Assert.Contains(reported, hit.Terms);
        Assert.DoesNotContain(hit.Terms, t => t.StartsWith('@'));
    }

    [Theory]
    [InlineData("@hezbollah", "Hezbollahs and more")]
    [InlineData("@hezbollah", "حزب العمال")]
    [InlineData("@hezbollah", "الله أكبر")]
    [InlineData("@irgc", "guard of the revolutionary")]
    [InlineData("@irgc", "سپاه")]
    [InlineData("@wagner", "Richard Wagner's operas")]
    [InlineData("@wagner", "корпус Африканского союза")]
    [InlineData("@russia", "Prussia")]
    [InlineData("-@hezbollah", "Hizballah")]
    [InlineData("NOT @hezbollah", "Хезболла")]
    [InlineData("@hezbollah -@russia", "Hezbollah and Russia")]
    [InlineData("@hezbollah NEAR/1 Israel", "Hizballah fires rockets at Israel")]
    public void AListMatchesNothingButItsSpellings(string query, string title) => Assert.Null(Match(query, title));

    [Fact]
    public void AListLooksOnlyInTheFieldItIsGiven()
    {
        Assert.Null(Match("title:@hezbollah", "Weather", "Hizballah"));
        Assert.NotNull(Match("summary:@hezbollah", "Weather", "Hizballah"));
    }

    [Fact]
    public void EverySpellingThatHitIsReportedInTheListsOrder() =>
        Assert.Equal(["Hezbollah", "Хезболл*", "حزب الله"], Match("@hezbollah", "حزب الله: Hezbollah, Хезболла")!.Terms);

    [Theory]
    [InlineData("iran @hezbolah", 6, "unknown term list '@hezbolah' at column 6 (lists in rules.json: hezbollah, irgc, russia, wagner)")]
    [InlineData("@irgc OR @x", 10, "unknown term list '@x' at column 10")]
    [InlineData("iran @ x", 6, "'@' at column 6 is no term list name")]
    [InlineData("@foo.bar", 1, "'@foo.bar' at column 1 is no term list name")]
    [InlineData("lang:@russia", 6, "lang: at column 6 takes a language code")]
    public void AListThatIsNotThereOrMisspeltIsAnErrorAtItsColumn(string query, int column, string message)
    {
        var error = Assert.Throws<QuerySyntaxException>(() => Query.Parse(query, Lists));
        Assert.Contains(message, error.Message);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void WithoutListsAnAtNameSaysThereAreNone() =>
        Assert.Contains("unknown term list '@hezbollah' at column 1 (lists in rules.json: none)",
            Assert.Throws<QuerySyntaxException>(() => Query.Parse("@hezbollah")).Message);

    [Fact]
    public void AListIsFiledUnderItsSpellingsFirstWordsSoTheIndexStaysSmall()
    {
        var required = Query.Parse("@hezbollah", Lists).RequiredWords!;
        Assert.Equal(["hezbollah", "hizballah", "hizbollah", "hizbullah", "хезболл*", "حزب", "حزبالله"], required.Order(StringComparer.Ordinal));
    }
}
