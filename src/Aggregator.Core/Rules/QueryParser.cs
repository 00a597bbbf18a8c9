using System.Text.RegularExpressions;

namespace Aggregator.Rules;

/// <summary>Recursive descent over the tokens. Precedence, tightest first: field:, NEAR, NOT / -, AND (or
/// juxtaposition), OR. Every error names the column and what was expected there.</summary>
internal sealed class QueryParser
{
    /// <summary>Parentheses and NOT / - nested deeper than this are refused: each level is a call here and in
    /// matching, and 8,000 of them overflowed the stack, which no handler can catch.</summary>
    public const int MaxDepth = 64;

    /// <summary>Longer queries are refused before they are read; long lists of spellings belong in a term list.</summary>
    public const int MaxLength = 10_000;

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(50);
    private readonly List<QueryToken> _tokens;
    private readonly TermLists _terms;
    private int _next;
    private int _depth;
    private Fields _fields = Fields.Text;

    private QueryParser(List<QueryToken> tokens, TermLists terms)
    {
        _tokens = tokens;
        _terms = terms;
    }

    public static QueryNode Parse(string query, TermLists terms)
    {
        if (string.IsNullOrWhiteSpace(query)) throw new QuerySyntaxException("empty query; write words, \"phrases\", AND, OR, NOT", 1);
        if (query.Length > MaxLength)
            throw new QuerySyntaxException($"query of {query.Length:N0} characters is longer than {MaxLength:N0} at column {MaxLength + 1}; put long lists of spellings in a term list (\"terms\" in rules.json)", MaxLength + 1);
        var parser = new QueryParser(QueryLexer.Tokenize(query), terms);
        var node = parser.ParseOr();
        var rest = parser.Peek;
        if (rest.Kind != QueryTokenKind.End) throw Unexpected(rest, "an operator or the end of the query");
        return node;
    }

    private QueryToken Peek => _tokens[_next];

    private QueryToken Take() => _tokens[_next++];

    private QueryNode ParseOr()
    {
        var parts = new List<QueryNode> { ParseAnd() };
        while (Peek.Kind == QueryTokenKind.Or)
        {
            Take();
            parts.Add(ParseAnd());
        }
        return parts.Count == 1 ? parts[0] : new OrNode([.. parts]);
    }

    private QueryNode ParseAnd()
    {
        var parts = new List<QueryNode> { ParseUnary() };
        while (true)
        {
            if (Peek.Kind == QueryTokenKind.And)
            {
                Take();
                parts.Add(ParseUnary());
            }
            else if (StartsTerm(Peek.Kind))
            {
                parts.Add(ParseUnary()); // implicit AND
            }
            else break;
        }
        return parts.Count == 1 ? parts[0] : new AndNode([.. parts]);
    }

    private static bool StartsTerm(QueryTokenKind kind) => kind is QueryTokenKind.Word or QueryTokenKind.Phrase or QueryTokenKind.Regex
        or QueryTokenKind.TermList or QueryTokenKind.Field or QueryTokenKind.LeftParen or QueryTokenKind.Not or QueryTokenKind.Minus;

    private QueryNode ParseUnary()
    {
        var token = Peek;
        if (token.Kind is QueryTokenKind.Not or QueryTokenKind.Minus)
        {
            Take();
            if (!StartsTerm(Peek.Kind)) throw Unexpected(Peek, $"a term after {token.Text}");
            Enter(token, "NOT and -");
            var inner = ParseUnary();
            _depth--;
            return new NotNode(inner);
        }
        return ParseNear();
    }

    private void Enter(QueryToken token, string what)
    {
        if (++_depth > MaxDepth)
            throw new QuerySyntaxException($"{what} nested deeper than {MaxDepth} at column {token.Column}; write the query flatter", token.Column);
    }

    private QueryNode ParseNear()
    {
        var left = ParsePrimary();
        while (Peek.Kind == QueryTokenKind.Near)
        {
            var near = Take();
            var right = ParsePrimary();
            if (left is not PositionalNode l || right is not PositionalNode r)
                throw new QuerySyntaxException($"NEAR at column {near.Column} works between two words, phrases or @lists", near.Column);
            left = new NearNode(l, r, near.Number, _fields);
        }
        return left;
    }

    private QueryNode ParsePrimary()
    {
        var token = Take();
        switch (token.Kind)
        {
            case QueryTokenKind.Field:
            {
                if (_fields != Fields.Text) throw new QuerySyntaxException($"field '{token.Text}:' at column {token.Column} is inside another field", token.Column);
                if (!StartsTerm(Peek.Kind) || Peek.Kind is QueryTokenKind.Field or QueryTokenKind.Not or QueryTokenKind.Minus)
                    throw Unexpected(Peek, $"a word, \"phrase\" or ( after '{token.Text}:'");
                _fields = QueryLexer.FieldNames[token.Text];
                try
                {
                    return ParsePrimary();
                }
                finally
                {
                    _fields = Fields.Text;
                }
            }
            case QueryTokenKind.LeftParen:
            {
                if (Peek.Kind == QueryTokenKind.RightParen) throw new QuerySyntaxException($"empty parentheses at column {token.Column}", token.Column);
                Enter(token, "parentheses");
                var inner = ParseOr();
                _depth--;
                if (Peek.Kind != QueryTokenKind.RightParen)
                    throw Peek.Kind == QueryTokenKind.End
                        ? new QuerySyntaxException($"missing ')' for the '(' at column {token.Column}", token.Column)
                        : Unexpected(Peek, "')'");
                Take();
                return inner;
            }
            case QueryTokenKind.Word when _fields == Fields.Language:
                return Language(token);
            case QueryTokenKind.Word:
                return Words(token, token.Text, token.Text);
            case QueryTokenKind.Phrase or QueryTokenKind.Regex or QueryTokenKind.TermList when _fields == Fields.Language:
                throw new QuerySyntaxException($"lang: at column {token.Column} takes a language code such as ru, fa or ar, or a group of them: lang:(ru OR uk)", token.Column);
            case QueryTokenKind.Phrase:
                return Words(token, $"\"{token.Text}\"", token.Text);
            case QueryTokenKind.Regex:
                return Regex(token);
            case QueryTokenKind.TermList:
                return TermList(token);
            default:
                throw Unexpected(token, "a word, \"phrase\", /regex/ or (");
        }
    }

    private WordsNode Words(QueryToken token, string display, string text)
    {
        var words = QueryWord.Parse(text);
        if (words.Length == 0)
            throw new QuerySyntaxException($"'{token.Text}' at column {token.Column} has no letters or digits to match", token.Column);
        return new WordsNode(display, words, _fields, text.ToLowerInvariant());
    }

    private TermListNode TermList(QueryToken token)
    {
        if (!_terms.TryGet(token.Text, out var spellings))
        {
            var names = _terms.Names.Count == 0 ? "none" : string.Join(", ", _terms.Names);
            throw new QuerySyntaxException($"unknown term list '@{token.Text}' at column {token.Column} (lists in rules.json: {names})", token.Column);
        }
        return new TermListNode([.. spellings.Select(s => new WordsNode(s.Spelling, s.Words, _fields, s.Spelling.ToLowerInvariant()))]);
    }

    private static LanguageNode Language(QueryToken token)
    {
        // A language range as RFC 4647 writes one: a primary subtag of letters, then subtags; '_' as some feeds write it.
        var range = token.Text.Replace('_', '-').ToLowerInvariant();
        var parts = range.Split('-');
        if (parts[0].Length is < 2 or > 8 || !parts[0].All(char.IsAsciiLetter) || parts.Skip(1).Any(p => p.Length is < 1 or > 8 || !p.All(char.IsAsciiLetterOrDigit)))
            throw new QuerySyntaxException($"'{token.Text}' at column {token.Column} is no language code; lang: takes a code such as ru, fa, ar or pt-BR", token.Column);
        return new LanguageNode(range);
    }

    private RegexNode Regex(QueryToken token)
    {
        var options = RegexOptions.CultureInvariant | (token.Flags.Contains('i') ? RegexOptions.IgnoreCase : RegexOptions.None);
        Regex regex;
        try
        {
            // Linear time where the pattern allows it; otherwise backtracking under a time limit.
            regex = new Regex(token.Text, options | RegexOptions.NonBacktracking);
        }
        catch (NotSupportedException)
        {
            try
            {
                regex = new Regex(token.Text, options, RegexTimeout);
            }
            catch (ArgumentException ex)
            {
                throw new QuerySyntaxException($"invalid regular expression at column {token.Column}: {ex.Message}", token.Column);
            }
        }
        catch (ArgumentException ex)
        {
            throw new QuerySyntaxException($"invalid regular expression at column {token.Column}: {ex.Message}", token.Column);
        }
        return new RegexNode($"/{token.Text}/{token.Flags}", regex, _fields == Fields.Text ? Fields.Text : _fields);
    }

    private static QuerySyntaxException Unexpected(QueryToken token, string expected) => token.Kind == QueryTokenKind.End
        ? new QuerySyntaxException($"expected {expected} at column {token.Column} (end of query)", token.Column)
        : new QuerySyntaxException($"unexpected '{token.Text}' at column {token.Column}; expected {expected}", token.Column);
}
