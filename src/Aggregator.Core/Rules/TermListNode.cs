namespace Aggregator.Rules;

/// <summary>@name: any spelling of a term list from rules.json. Each spelling is a word, prefix or phrase of its
/// own, and the one that hit is reported (Hizballah), not the list's name.</summary>
internal sealed class TermListNode(WordsNode[] spellings) : PositionalNode
{
    // Filed under the union of the spellings' first words, as an OR of them would be.
    public override IReadOnlySet<string>? RequiredWords(Fields indexed)
    {
        var union = new HashSet<string>(StringComparer.Ordinal);
        foreach (var spelling in spellings)
        {
            if (spelling.RequiredWords(indexed) is not { } words) return null;
            union.UnionWith(words);
        }
        return union;
    }

    public override bool Matches(MatchDocument document, List<string>? hits)
    {
        var any = false;
        foreach (var spelling in spellings)
        {
            if (!spelling.Matches(document, hits)) continue;
            any = true;
            if (hits is null) return true; // collecting hits needs every spelling that hit, a yes/no does not
        }
        return any;
    }

    public override IEnumerable<(int Start, int End, string Term)> Occurrences(MatchDocument.FieldText text) =>
        spellings.SelectMany(s => s.Occurrences(text));
}
