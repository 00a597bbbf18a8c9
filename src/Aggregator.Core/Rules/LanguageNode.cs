namespace Aggregator.Rules;

/// <summary>lang:ru — the entry's language is ru or a variant of it (ru-RU), as RFC 4647 basic filtering compares
/// a language range with a tag. An entry without a language never matches. Not a term: nothing to highlight.</summary>
internal sealed class LanguageNode(string range) : QueryNode
{
    public override IReadOnlySet<string>? RequiredWords(Fields indexed) => null;

    public override bool Matches(MatchDocument document, List<string>? hits) =>
        document.Language is { } language
        && language.StartsWith(range, StringComparison.Ordinal)
        && (language.Length == range.Length || language[range.Length] == '-');
}
