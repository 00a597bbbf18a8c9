using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

/// <summary>The language of an entry that declares none, from its title and summary.</summary>
public sealed class LanguageDetectorTests
{
    [Theory]
    [InlineData("Лавров провёл переговоры с главой МИД Ирана", "ru")]
    [InlineData("Зеленський провів переговори з прем'єр-міністром", "uk")]
    [InlineData("Лукашэнка сустрэўся з амбасадарам Ірана", "be")]
    [InlineData("Вучић се састао са амбасадором Ирана у Београду", "sr")]
    [InlineData("Премиерът обяви, че България ще подкрепи съюзниците", "bg")]
    [InlineData("Тоқаев Иран елшісімен кездесті", "kk")]
    [InlineData("موسكو وطهران تبحثان توسيع التعاون العسكري", "ar")]
    [InlineData("عراقچی: گفتگوهای تهران و مسکو ادامه دارد", "fa")]
    [InlineData("پزشكيان: روابط با همسايگان اولويت است", "fa")] // written with Arabic yeh and kaf, as on windows-1256 sites
    [InlineData("پاکستان اور ایران کے درمیان تجارت بڑھ رہی ہے", "ur")]
    [InlineData("איראן ורוסיה חתמו על הסכם", "he")]
    [InlineData("Συνάντηση Λαβρόφ με τον Ιρανό ομόλογό του", "el")]
    [InlineData("ロシアとイランの外相がモスクワで会談", "ja")]
    [InlineData("俄罗斯与伊朗外长在莫斯科举行会谈", "zh")]
    [InlineData("러시아와 이란 외무장관 모스크바에서 회담", "ko")]
    [InlineData("รัสเซียและอิหร่านลงนามข้อตกลง", "th")]
    [InlineData("The minister said that the talks in Tehran were over", "en")]
    [InlineData("Le ministre a déclaré que les négociations sont terminées", "fr")]
    [InlineData("Der Minister sagte, dass die Gespräche mit dem Iran beendet sind", "de")]
    [InlineData("El ministro dijo que las conversaciones con Irán han terminado", "es")]
    [InlineData("Il ministro ha detto che i colloqui della delegazione sono finiti", "it")]
    [InlineData("O ministro disse que as negociações com o Irã não terminaram", "pt")]
    [InlineData("De minister zei dat de gesprekken met Iran zijn beëindigd", "nl")]
    [InlineData("Bakan, İran ile görüşmelerin sona erdiğini söyledi ve bu çok önemli", "tr")]
    [InlineData("NATO, G7", null)] // too few words to tell
    [InlineData("12:00 — 3:1", null)]
    [InlineData("", null)]
    public void TheLanguageIsToldByScriptThenByCommonWords(string title, string? expected) =>
        Assert.Equal(expected, LanguageDetector.Detect(title, null));

    [Fact]
    public void TheSummaryCountsWithTheTitle() =>
        Assert.Equal("de", LanguageDetector.Detect("Iran", "Die Gespräche sind nicht beendet, sagte der Minister"));

    [Theory]
    [InlineData("en-US", "en")]
    [InlineData("RU", "ru")]
    [InlineData("pt_BR", "pt")]
    [InlineData("zh-Hans-CN", "zh")]
    [InlineData(" fa-IR ", "fa")]
    [InlineData("iw", "he")]
    [InlineData("English", null)]
    [InlineData("x-klingon", null)]
    [InlineData("", null)]
    public void ADeclaredLanguageIsItsPrimarySubtagInLowercase(string declared, string? expected) =>
        Assert.Equal(expected, LanguageTag.Primary(declared));
}
