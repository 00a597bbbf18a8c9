namespace Aggregator.Rules;

internal enum QueryTokenKind { Word, Phrase, Regex, TermList, Field, LeftParen, RightParen, And, Or, Not, Minus, Near, End }

/// <summary>One lexical token of a query; <see cref="Column"/> is 1-based for error messages.</summary>
internal readonly record struct QueryToken(QueryTokenKind Kind, string Text, int Column, int Number = 0, string Flags = "");
