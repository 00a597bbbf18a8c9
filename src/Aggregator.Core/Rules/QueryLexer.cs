using System.Globalization;

namespace Aggregator.Rules;

/// <summary>Splits a query into tokens: words, "phrases", /regex/flags, field: prefixes, @term-lists, parentheses
/// and the uppercase operators AND, OR, NOT, NEAR/n.</summary>
internal static class QueryLexer
{
    public static readonly Dictionary<string, Fields> FieldNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["title"] = Fields.Title, ["summary"] = Fields.Summary, ["content"] = Fields.Content, ["author"] = Fields.Author,
        ["category"] = Fields.Category, ["url"] = Fields.Url, ["feed"] = Fields.Feed, ["lang"] = Fields.Language,
    };

    public static List<QueryToken> Tokenize(string query)
    {
        var tokens = new List<QueryToken>();
        var i = 0;
        while (i < query.Length)
        {
            var c = query[i];
            var column = i + 1;
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == '(') { tokens.Add(new(QueryTokenKind.LeftParen, "(", column)); i++; continue; }
            if (c == ')') { tokens.Add(new(QueryTokenKind.RightParen, ")", column)); i++; continue; }
            if (c == '"')
            {
                var end = query.IndexOf('"', i + 1);
                if (end < 0) throw new QuerySyntaxException($"unterminated phrase starting at column {column}; close it with \"", column);
                tokens.Add(new(QueryTokenKind.Phrase, query[(i + 1)..end], column));
                i = end + 1;
                continue;
            }
            if (c == '/')
            {
                i = ReadRegex(query, i, tokens);
                continue;
            }
            if (c == '@')
            {
                i = ReadTermList(query, i, tokens);
                continue;
            }
            if (c == '-' && i + 1 < query.Length && !char.IsWhiteSpace(query[i + 1]) && query[i + 1] != ')')
            {
                tokens.Add(new(QueryTokenKind.Minus, "-", column));
                i++;
                continue;
            }

            var start = i;
            while (i < query.Length && !char.IsWhiteSpace(query[i]) && query[i] is not ('(' or ')' or '"')) i++;
            var word = query[start..i];
            var colon = word.IndexOf(':');
            if (tokens.Count > 0 && tokens[^1].Kind == QueryTokenKind.Field)
            {
                // After "field:" the word is taken as written, so url:https://example.com works; but not a second field.
                if (colon > 0 && FieldNames.ContainsKey(word[..colon]))
                    throw new QuerySyntaxException($"field '{word[..colon]}:' at column {column} is inside another field", column);
                colon = -1;
            }
            if (colon > 0 && colon < word.Length - 1 || colon > 0 && i < query.Length && query[i] is '(' or '"')
            {
                var name = word[..colon];
                if (name.All(char.IsAsciiLetter))
                {
                    if (!FieldNames.ContainsKey(name))
                        throw new QuerySyntaxException($"unknown field '{name}:' at column {column} (fields: {string.Join(", ", FieldNames.Keys)})", column);
                    tokens.Add(new(QueryTokenKind.Field, name.ToLowerInvariant(), column));
                    i = start + colon + 1;
                    continue;
                }
            }
            tokens.Add(Classify(word, column));
        }
        tokens.Add(new(QueryTokenKind.End, "", query.Length + 1));
        return tokens;
    }

    private static QueryToken Classify(string word, int column)
    {
        switch (word)
        {
            case "AND": return new(QueryTokenKind.And, word, column);
            case "OR": return new(QueryTokenKind.Or, word, column);
            case "NOT": return new(QueryTokenKind.Not, word, column);
            case "NEAR": return new(QueryTokenKind.Near, word, column, 10);
        }
        if (word.StartsWith("NEAR/", StringComparison.Ordinal))
        {
            if (!int.TryParse(word.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 0 or > 1000)
                throw new QuerySyntaxException($"NEAR needs a distance in words, like NEAR/5, at column {column}", column);
            return new(QueryTokenKind.Near, word, column, n);
        }
        return new(QueryTokenKind.Word, word, column);
    }

    private static int ReadTermList(string query, int start, List<QueryToken> tokens)
    {
        var column = start + 1;
        var i = start + 1;
        while (i < query.Length && TermLists.IsNameChar(query[i])) i++;
        var name = query[(start + 1)..i];
        if (name.Length == 0 || i < query.Length && !char.IsWhiteSpace(query[i]) && query[i] is not ('(' or ')'))
        {
            var end = i;
            while (end < query.Length && !char.IsWhiteSpace(query[end]) && query[end] is not ('(' or ')')) end++;
            throw new QuerySyntaxException(
                $"'{query[start..end]}' at column {column} is no term list name: a list name after @ has only letters, digits, - and _, like @hezbollah", column);
        }
        tokens.Add(new(QueryTokenKind.TermList, name, column));
        return i;
    }

    private static int ReadRegex(string query, int start, List<QueryToken> tokens)
    {
        var column = start + 1;
        var i = start + 1;
        while (i < query.Length && query[i] != '/')
        {
            if (query[i] == '\\') i++;
            i++;
        }
        if (i >= query.Length) throw new QuerySyntaxException($"unterminated regular expression starting at column {column}; close it with /", column);
        var pattern = query[(start + 1)..i];
        i++;
        var flagsStart = i;
        while (i < query.Length && char.IsAsciiLetterLower(query[i])) i++;
        var flags = query[flagsStart..i];
        if (flags.Any(f => f != 'i'))
            throw new QuerySyntaxException($"unknown regular expression flag in '/{pattern}/{flags}' at column {column}; only 'i' (ignore case) is supported", column);
        tokens.Add(new(QueryTokenKind.Regex, pattern, column, Flags: flags));
        return i;
    }
}
