using System.Text;
using Aggregator.Parsing;

namespace Aggregator.Tests.Parsing;

/// <summary>UTF-8 read as windows-1252 and saved again, in every script our users read, and the correct
/// text that looks like it but must never change.</summary>
public sealed class MojibakeRepairTests
{
    /// <summary>What a reader that took UTF-8 for windows-1252 made of the text (the five bytes windows-1252
    /// leaves undefined kept as the C1 control of the same number, as Latin-1 readers do).</summary>
    private static string Mangle(string text)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var windows = Encoding.GetEncoding(1252, EncoderFallback.ExceptionFallback, DecoderFallback.ReplacementFallback);
        return string.Concat(Encoding.UTF8.GetBytes(text).Select(b => b is 0x81 or 0x8D or 0x8F or 0x90 or 0x9D ? ((char)b).ToString() : windows.GetString([b])));
    }

    [Theory]
    [InlineData("L'été à Paris, café crème")]
    [InlineData("Zürich: Größere Brücken")]
    [InlineData("São Paulo: ações sobem após anúncio")]
    [InlineData("“Quoted” — and… €5 ‘single’ • œuvre")]
    [InlineData("Москва: Лавров провёл переговоры с главой МИД Ирана")]
    [InlineData("Συνάντηση Λαβρόφ με τον Ιρανό ομόλογό του")]
    [InlineData("موسكو وطهران تبحثان توسيع التعاون")]
    [InlineData("عراقچی: گفتگوهای تهران و مسکو")]
    [InlineData("איראן ורוסיה חתמו על הסכם")]
    [InlineData("ロシアとイランの外相がモスクワで会談")]
    [InlineData("俄罗斯与伊朗外长在莫斯科举行会谈")]
    [InlineData("Polska: Łódź i Gdańsk, Türkiye: İstanbul’da ağır")]
    public void MangledTextInAnyScriptIsRepairedExactly(string text) => Assert.Equal(text, MojibakeRepair.Repair(Mangle(text)));

    [Fact]
    public void TextMangledTwiceIsRepairedInTwoRounds() =>
        Assert.Equal("Лавров «в Тегеране»", MojibakeRepair.Repair(Mangle(Mangle("Лавров «в Тегеране»"))));

    [Theory]
    [InlineData("Ã©tÃ©", "été")]
    [InlineData("Spending Â£30 million", "Spending £30 million")]
    [InlineData("World â€º Japan", "World › Japan")]
    [InlineData("\u0093Quoted\u0094 in Latin-1", "“Quoted” in Latin-1")]
    [InlineData("Café crème, mais Ã©tÃ© aussi", "Café crème, mais été aussi")] // correct and mangled in one text
    public void CommonMojibakeIsRepaired(string text, string expected) => Assert.Equal(expected, MojibakeRepair.Repair(text));

    [Theory]
    [InlineData("SÃO PAULO E MANAUS")] // Portuguese capitals: Ã before a letter is no UTF-8 sequence
    [InlineData("A IRMÃ DA NOIVA")]
    [InlineData("Ðú ert hér, ÞÓRÐUR")] // Icelandic
    [InlineData("Ðoes? Ðhe Ðreams")]
    [InlineData("“A IRMÔ disse ela")] // a capital closing a word before its closing quote
    [InlineData("“CAFɔ")]
    [InlineData("Café crème")]
    [InlineData("Über 5 °C – Grüße")]
    [InlineData("Plain ASCII text")]
    [InlineData("Москва")]
    [InlineData("Temperatur 20°, Größe ± 3")]
    public void CorrectTextIsNeverChanged(string text) => Assert.Null(MojibakeRepair.Repair(text));

    [Fact]
    public void ADocumentWithoutLatin1CharactersIsReturnedAsItIs()
    {
        const string document = "<rss><channel><title>“Plain” — and Москва</title></channel></rss>";
        var problems = new FeedProblems();
        Assert.Same(document, MojibakeRepair.RepairDocument(document, problems));
        Assert.Empty(problems.ToList());
    }

    [Fact]
    public void OnlyTheMangledTextsOfADocumentChangeAndTheRepairIsReported()
    {
        var problems = new FeedProblems();
        var document = $"<title>Ça va</title><link href=\"https://example.org/Ã©\">x</link><description>{Mangle("Тегеран")}</description>";
        Assert.Equal("<title>Ça va</title><link href=\"https://example.org/Ã©\">x</link><description>Тегеран</description>", MojibakeRepair.RepairDocument(document, problems));
        Assert.Equal(["UTF-8 text that had been read as windows-1252 and saved again; repaired 1 text"], problems.ToList());
    }
}
