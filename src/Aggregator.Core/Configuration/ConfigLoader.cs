using System.Text.Json;
using Aggregator.Rules;
using Aggregator.Storage;

namespace Aggregator.Configuration;

/// <summary>Reads config/feeds.json and config/rules.json and checks them together, so one start-up
/// message lists every mistake with its file, line and item.</summary>
public static class ConfigLoader
{
    public const string FeedsFile = "feeds.json";
    public const string RulesFile = "rules.json";

    private static readonly string[] FeedKeys = ["name", "url", "interval", "tags"];
    private static readonly string[] RuleKeys = ["name", "query", "exclude", "feeds", "notify", "digest", "limit", "quietHours", "timeZone", "urgent"];
    private static readonly string[] RulesFileKeys = ["rules", "terms"];

    private static readonly JsonDocumentOptions JsonOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    /// <param name="directory">The config folder, resolved.</param>
    /// <param name="displayDirectory">The folder as the user wrote it (e.g. "config"), for messages.</param>
    /// <param name="notifierNames">Names rules may use in "notify".</param>
    /// <exception cref="ConfigException">Anything is wrong; every error is listed.</exception>
    public static AggregatorConfig Load(string directory, string displayDirectory, IReadOnlyCollection<string> notifierNames)
    {
        var errors = new List<string>();
        var feedsPath = Path.Combine(directory, FeedsFile);
        var feedsDisplay = Path.Combine(displayDirectory, FeedsFile);
        var rulesPath = Path.Combine(directory, RulesFile);
        var rulesDisplay = Path.Combine(displayDirectory, RulesFile);

        var feeds = new List<FeedDefinition>();
        var feedNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase); // thousands of feeds: no pairwise check
        if (!File.Exists(feedsPath))
            errors.Add($"{feedsDisplay} not found (looked in {Path.GetFullPath(directory)}); create it with {{ \"feeds\": [ {{ \"name\": \"...\", \"url\": \"https://...\" }} ] }} or pass --contentRoot");
        else
            ReadItems(feedsPath, feedsDisplay, "feeds", FeedKeys, errors, (item, where) => ReadFeed(item, where, feeds, feedNames, errors));

        var rules = new List<Rule>();
        var terms = TermLists.None;
        if (File.Exists(rulesPath))
        {
            // The term lists are read before the rules (readRoot runs first), whose queries use them.
            ReadItems(rulesPath, rulesDisplay, "rules", RuleKeys, errors, (item, where) => ReadRule(item, where, rules, terms, errors),
                RulesFileKeys, (root, json) => terms = ReadTerms(root, json.Span, rulesDisplay, errors));
        }

        CheckRuleReferences(rules, feeds, notifierNames, rulesDisplay, errors);
        if (errors.Count > 0) throw new ConfigException(errors);
        return new AggregatorConfig(feeds, rules) { Terms = terms };
    }

    /// <param name="rootKeys">The keys the file's top-level object may have; null: not checked.</param>
    /// <param name="readRoot">Reads what sits beside the array in the top-level object, before the items.</param>
    private static void ReadItems(string path, string display, string arrayName, string[] knownKeys,
        List<string> errors, Action<JsonElement, string> read,
        string[]? rootKeys = null, Action<JsonElement, ReadOnlyMemory<byte>>? readRoot = null)
    {
        var bytes = File.ReadAllBytes(path);
        var json = bytes.AsMemory();
        if (json.Span.StartsWith("\uFEFF"u8)) json = json[3..];

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            errors.Add($"{display} line {ex.LineNumber + 1}, column {ex.BytePositionInLine + 1}: not valid JSON ({FirstSentence(ex.Message)}); look for a missing comma, quote or bracket");
            return;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty(arrayName, out var array)
                || array.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{display}: expected an object with a \"{arrayName}\" array, like {{ \"{arrayName}\": [ ... ] }}");
                return;
            }
            if (rootKeys is not null)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (!rootKeys.Contains(property.Name, StringComparer.Ordinal))
                        errors.Add($"{display}: unknown key \"{property.Name}\" at the top (known keys: {string.Join(", ", rootKeys)})");
                }
            }
            readRoot?.Invoke(document.RootElement, json);

            var lines = ItemLines(json.Span, arrayName);
            var index = 0;
            foreach (var item in array.EnumerateArray())
            {
                var line = index < lines.Count ? lines[index] : 0;
                var where = $"{display} line {line}: {arrayName.TrimEnd('s')} #{index + 1}";
                index++;
                if (item.ValueKind != JsonValueKind.Object)
                {
                    errors.Add($"{where}: expected an object {{ ... }}, got {item.ValueKind.ToString().ToLowerInvariant()}");
                    continue;
                }
                if (item.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                    where = $"{display} line {line}: {arrayName.TrimEnd('s')} \"{name.GetString()}\"";
                foreach (var property in item.EnumerateObject())
                {
                    if (!knownKeys.Contains(property.Name, StringComparer.Ordinal))
                        errors.Add($"{where}: unknown key \"{property.Name}\" (known keys: {string.Join(", ", knownKeys)})");
                }
                read(item, where);
            }
        }
    }

    private static void ReadFeed(JsonElement item, string where, List<FeedDefinition> feeds, HashSet<string> names, List<string> errors)
    {
        var name = RequiredString(item, "name", where, "give the feed a short unique name", errors);
        var urlText = RequiredString(item, "url", where, "give the feed's absolute http(s) URL", errors);
        Uri? url = null;
        if (urlText is not null
            && (!Uri.TryCreate(urlText, UriKind.Absolute, out url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            errors.Add($"{where}: \"url\" must be an absolute http:// or https:// URL, got \"{urlText}\"");
            url = null;
        }

        TimeSpan? interval = null;
        if (item.TryGetProperty("interval", out var intervalElement))
        {
            if (intervalElement.ValueKind == JsonValueKind.String && Duration.TryParse(intervalElement.GetString(), out var parsed))
                interval = parsed;
            else
                errors.Add($"{where}: \"interval\" must be {Duration.Hint}, got {intervalElement.GetRawText()}");
        }

        var tags = StringList(item, "tags", where, errors);
        if (name is null || url is null) return;
        if (!names.Add(name))
        {
            errors.Add($"{where}: another feed is already named \"{name}\"; names must be unique");
            return;
        }
        feeds.Add(new FeedDefinition(name, url, interval, tags));
    }

    private static void ReadRule(JsonElement item, string where, List<Rule> rules, TermLists terms, List<string> errors)
    {
        var name = RequiredString(item, "name", where, "give the rule a short unique name", errors);
        var query = CompileQuery(item, "query", where, terms, errors, required: true);
        var exclude = CompileQuery(item, "exclude", where, terms, errors, required: false);
        var feeds = StringList(item, "feeds", where, errors);
        var notify = StringList(item, "notify", where, errors);
        DigestSchedule? digest = null;
        if (item.TryGetProperty("digest", out var digestElement))
        {
            string? problem = null;
            if (digestElement.ValueKind == JsonValueKind.String)
                digest = DigestSchedule.Parse(digestElement.GetString()!,
                    text => Duration.TryParse(text, out var period) && period <= TimeSpan.FromDays(7) ? period : null, out problem);
            if (digest is null)
                errors.Add($"{where}: \"digest\" must be {DigestSchedule.Hint}; got {digestElement.GetRawText()}" + (problem is null ? "" : $", and {problem}"));
        }
        var limit = AlertLimit.Default;
        if (item.TryGetProperty("limit", out var limitElement))
        {
            var text = limitElement.ValueKind == JsonValueKind.String ? limitElement.GetString()!.Trim() : null;
            if (string.Equals(text, "none", StringComparison.OrdinalIgnoreCase)) limit = null;
            else if (!AlertLimit.TryParse(text, out limit))
                errors.Add($"{where}: \"limit\" must be {AlertLimit.Hint}; got {limitElement.GetRawText()}");
        }
        QuietHours? quietHours = null;
        if (item.TryGetProperty("quietHours", out var quietElement)
            && !(quietElement.ValueKind == JsonValueKind.String && QuietHours.TryParse(quietElement.GetString(), out quietHours)))
            errors.Add($"{where}: \"quietHours\" must be {QuietHours.Hint}; got {quietElement.GetRawText()}");
        TimeZoneInfo? zone = null;
        if (item.TryGetProperty("timeZone", out var zoneElement))
        {
            var zoneName = zoneElement.ValueKind == JsonValueKind.String ? zoneElement.GetString() : null;
            zone = LocalClock.FindZone(zoneName);
            if (zone is null) errors.Add($"{where}: {ZoneProblem("\"timeZone\"", zoneName ?? zoneElement.GetRawText())}");
        }
        var urgent = false;
        if (item.TryGetProperty("urgent", out var urgentElement))
        {
            if (urgentElement.ValueKind is JsonValueKind.True or JsonValueKind.False) urgent = urgentElement.GetBoolean();
            else errors.Add($"{where}: \"urgent\" must be true or false (true: alerts go out during quiet hours too); got {urgentElement.GetRawText()}");
        }
        if (name is null || query is null) return;
        if (rules.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"{where}: another rule is already named \"{name}\"; names must be unique");
            return;
        }
        rules.Add(new Rule(name, query, exclude, [.. feeds.Select(FeedScope.Parse)], notify, digest)
        {
            Limit = limit, QuietHours = quietHours, TimeZone = zone, Urgent = urgent,
        });
    }

    /// <summary>One sentence for a time zone name that is not known here, with the nearest known one when it looks like a typo.</summary>
    /// <param name="key">The setting as the message names it.</param>
    public static string ZoneProblem(string key, string name)
    {
        var nearest = Spelling.Nearest(name, TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id));
        return $"{key} \"{name}\" is not a time zone known here; write {LocalClock.ZoneHint}" + (nearest is null ? "" : $" (did you mean \"{nearest}\"?)");
    }

    private static Query? CompileQuery(JsonElement item, string key, string where, TermLists terms, List<string> errors, bool required)
    {
        if (!item.TryGetProperty(key, out var element))
        {
            if (required) errors.Add($"{where}: \"{key}\" is missing; write a query such as \"Hezbollah AND Russia\" (see docs/rules.md)");
            return null;
        }
        if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
        {
            errors.Add($"{where}: \"{key}\" must be a non-empty query string");
            return null;
        }
        try
        {
            return Query.Parse(element.GetString()!, terms);
        }
        catch (QuerySyntaxException ex)
        {
            errors.Add($"{where}: \"{key}\": {ex.Message}");
            return null;
        }
    }

    /// <summary>"terms": { "name": ["spelling", ...] }: the lists @name stands for in queries.</summary>
    private static TermLists ReadTerms(JsonElement root, ReadOnlySpan<byte> json, string display, List<string> errors)
    {
        if (!root.TryGetProperty("terms", out var terms)) return TermLists.None;
        var lines = TermLines(json);
        if (terms.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{display} line {lines.Terms}: \"terms\" must be an object of named lists, like {{ \"hezbollah\": [\"Hezbollah\", \"Hizballah\"] }}, got {terms.ValueKind.ToString().ToLowerInvariant()}");
            return TermLists.None;
        }
        var lists = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var list in terms.EnumerateObject())
        {
            var (line, itemLines) = index < lines.Lists.Count ? lines.Lists[index] : (0, []);
            index++;
            var where = $"{display} line {line}: term list \"{list.Name}\"";
            if (!TermLists.IsValidName(list.Name))
            {
                errors.Add($"{where}: a name may have only letters, digits, - and _ (queries write it after @, like @hezbollah)");
                continue;
            }
            if (lists.ContainsKey(list.Name))
            {
                errors.Add($"{where}: another term list is already named \"{list.Name}\" (names ignore case); names must be unique");
                continue;
            }
            if (list.Value.ValueKind != JsonValueKind.Array)
            {
                errors.Add($"{where}: must be a list of spellings, like [\"Hezbollah\", \"Hizballah\", \"Хезболл*\"], got {list.Value.ValueKind.ToString().ToLowerInvariant()}");
                continue;
            }
            if (list.Value.GetArrayLength() == 0)
            {
                errors.Add($"{where}: is empty; give it at least one spelling");
                continue;
            }
            var spellings = new List<string>();
            var position = 0;
            foreach (var spelling in list.Value.EnumerateArray())
            {
                var at = position < itemLines.Count ? $"{display} line {itemLines[position]}: term list \"{list.Name}\"" : where;
                position++;
                if (spelling.ValueKind != JsonValueKind.String)
                {
                    errors.Add($"{at}: spelling #{position} must be a string, like \"Hizballah\", got {spelling.GetRawText()}");
                    continue;
                }
                var text = spelling.GetString()!;
                if (TermLists.Problem(text) is { } problem)
                {
                    errors.Add($"{at}: spelling \"{text}\" {problem}");
                    continue;
                }
                spellings.Add(text);
            }
            lists[list.Name] = spellings;
        }
        return new TermLists(lists);
    }

    /// <summary>The 1-based lines of "terms", of each list's name and of each of its spellings, in document order.</summary>
    private static (int Terms, List<(int Line, List<int> Items)> Lists) TermLines(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var lists = new List<(int Line, List<int> Items)>();
        int termsLine = 0, line = 1, counted = 0; // lines counted once, up to the last token asked for
        int LineAt(ref Utf8JsonReader at, ReadOnlySpan<byte> json)
        {
            var start = (int)at.TokenStartIndex;
            line += json[counted..start].Count((byte)'\n');
            counted = start;
            return line;
        }
        while (reader.Read())
        {
            if (termsLine == 0)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("terms"))
                {
                    termsLine = LineAt(ref reader, json);
                    if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) break;
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= 1)
                {
                    reader.Skip();
                }
                continue;
            }
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.EndObject) break;
            if (reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.PropertyName)
                lists.Add((LineAt(ref reader, json), []));
            else if (reader.CurrentDepth == 3 && lists.Count > 0 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray or JsonTokenType.PropertyName))
                lists[^1].Items.Add(LineAt(ref reader, json));
            if (reader.CurrentDepth == 3 && reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
        }
        return (termsLine, lists);
    }

    private static void CheckRuleReferences(List<Rule> rules, List<FeedDefinition> feeds,
        IReadOnlyCollection<string> notifierNames, string display, List<string> errors)
    {
        var tags = feeds.SelectMany(f => f.Tags).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var names = feeds.Select(f => f.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var rule in rules)
        {
            foreach (var scope in rule.Feeds)
            {
                if (scope.Tag is { } tag)
                {
                    if (!tags.Contains(tag))
                        errors.Add($"{display}: rule \"{rule.Name}\": no feed has the tag \"{tag}\" (tags in feeds.json: {List(tags)})");
                }
                else if (!names.Contains(scope.FeedName!))
                {
                    errors.Add($"{display}: rule \"{rule.Name}\": unknown feed \"{scope.FeedName}\" in \"feeds\"; use a feed name from feeds.json or \"tag:NAME\"");
                }
            }
            foreach (var notifier in rule.Notify)
            {
                if (!notifierNames.Contains(notifier, StringComparer.OrdinalIgnoreCase))
                    errors.Add($"{display}: rule \"{rule.Name}\": unknown notifier \"{notifier}\" in \"notify\" (configured under \"Notifiers\" in appsettings.json: {List(notifierNames)})");
            }
        }
    }

    private static string? RequiredString(JsonElement item, string key, string where, string fix, List<string> errors)
    {
        if (item.TryGetProperty(key, out var element) && element.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(element.GetString()))
            return element.GetString()!.Trim();
        errors.Add(item.TryGetProperty(key, out _)
            ? $"{where}: \"{key}\" must be a non-empty string; {fix}"
            : $"{where}: \"{key}\" is missing; {fix}");
        return null;
    }

    private static IReadOnlyList<string> StringList(JsonElement item, string key, string where, List<string> errors)
    {
        if (!item.TryGetProperty(key, out var element)) return [];
        if (element.ValueKind == JsonValueKind.Array
            && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(e.GetString())))
            return element.EnumerateArray().Select(e => e.GetString()!.Trim()).ToArray();
        errors.Add($"{where}: \"{key}\" must be a list of names, like [\"a\", \"b\"], got {element.GetRawText()}");
        return [];
    }

    /// <summary>The 1-based line of each item of the top-level array, which JsonElement does not keep.</summary>
    private static List<int> ItemLines(ReadOnlySpan<byte> json, string arrayName)
    {
        var lines = new List<int>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        var arrayDepth = -1;
        while (reader.Read())
        {
            if (arrayDepth < 0)
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(arrayName)
                    && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                    arrayDepth = reader.CurrentDepth;
                continue;
            }
            if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == arrayDepth) break;
            if (reader.CurrentDepth == arrayDepth + 1 && reader.TokenType is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
                lines.Add(json[..(int)reader.TokenStartIndex].Count((byte)'\n') + 1);
        }
        return lines;
    }

    private static string List(IEnumerable<string> names)
    {
        var list = string.Join(", ", names.Order(StringComparer.OrdinalIgnoreCase));
        return list.Length == 0 ? "none" : list;
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..end] : message.TrimEnd('.');
    }
}
