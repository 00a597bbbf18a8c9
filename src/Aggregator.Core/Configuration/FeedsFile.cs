using System.Text;
using System.Text.Json;

namespace Aggregator.Configuration;

/// <summary>Adds feeds to and removes them from config/feeds.json by editing its text, as a person would: the new object
/// goes before the array's closing bracket in the file's own indentation, a removed one is cut out with its comma, and
/// every other byte (order, comments, formatting) stays as it was. Never re-serialised: people keep notes in that file.
/// Written atomically (a temporary file in the same folder, then a rename), so the service's ConfigWatcher, which
/// reloads on change, never reads half a file.</summary>
public sealed class FeedsFile
{
    private static readonly JsonReaderOptions Reading = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private readonly string _path;

    public FeedsFile(string path) => _path = path;

    /// <summary>One item of the "feeds" array: where it is in the text, and its name.</summary>
    private sealed record Item(int Start, int End, string? Name);

    /// <summary>Appends <paramref name="feeds"/> to the array, each on a line of its own.</summary>
    /// <exception cref="ConfigException">The file is not a feeds.json this class can edit safely.</exception>
    public void Add(IReadOnlyList<FeedEntry> feeds)
    {
        if (feeds.Count == 0) return;
        Edit(text =>
        {
            var (open, close, items) = Locate(text);
            var newline = text.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
            var indent = items.Count > 0 ? IndentOf(text, items[^1].Start) : null;
            indent ??= (IndentOf(text, close) ?? "") + "  ";
            var lastEnd = items.Count > 0 ? items[^1].End : open + 1;
            var needsComma = items.Count > 0 && !HasComma(text, lastEnd, close);
            var lines = string.Join("," + newline, feeds.Select(f => indent + f.ToJson()));
            var builder = new StringBuilder(text);
            if (IndentOf(text, close) is not null)
            {
                // "]" starts its own line: the new items go on the lines just above it.
                var lineStart = text.LastIndexOf('\n', close - 1) + 1;
                builder.Insert(lineStart, lines + newline);
            }
            else
            {
                builder.Insert(close, newline + lines + newline);
            }
            if (needsComma) builder.Insert(lastEnd, ',');
            return builder.ToString();
        });
    }

    /// <summary>Cuts the feed named <paramref name="name"/> (case-insensitive) out of the array.</summary>
    /// <returns>False when no feed has that name (the file is left alone).</returns>
    public bool Remove(string name)
    {
        var found = false;
        Edit(text =>
        {
            var (open, close, items) = Locate(text);
            var index = items.FindIndex(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));
            if (index < 0) return null;
            found = true;
            var item = items[index];
            int start = item.Start, end = item.End;
            var orphanComma = -1;
            var comma = NextComma(text, end, index + 1 < items.Count ? items[index + 1].Start : close);
            if (comma >= 0) end = comma + 1;
            // The last item: the comma before it goes too, on its own, so that comments between the two items stay.
            if (index + 1 == items.Count && index > 0) orphanComma = PreviousComma(text, items[index - 1].End, start);
            // A line that held only the item (and its comma) goes whole; comments on other lines stay.
            var lineStart = text.LastIndexOf('\n', Math.Max(0, start - 1)) + 1;
            var lineEnd = text.IndexOf('\n', end);
            if (text.AsSpan(lineStart, start - lineStart).IsWhiteSpace() && lineEnd >= 0 && text.AsSpan(end, lineEnd - end).IsWhiteSpace())
            {
                start = lineStart;
                end = lineEnd + 1;
            }
            var edited = string.Concat(text.AsSpan(0, start), text.AsSpan(end));
            return orphanComma >= 0 ? edited.Remove(orphanComma, 1) : edited;
        });
        return found;
    }

    /// <summary>Reads, edits and writes the file under a lock file, so two `feeds` commands at once do not lose an edit.</summary>
    /// <param name="edit">The new text, or null to leave the file as it is.</param>
    private void Edit(Func<string, string?> edit)
    {
        using var exclusive = Lock();
        var bytes = File.ReadAllBytes(_path);
        var bom = bytes.AsSpan().StartsWith("\uFEFF"u8);
        var text = Encoding.UTF8.GetString(bom ? bytes.AsSpan(3) : bytes);
        if (edit(text) is not { } edited) return;
        Check(edited);
        var temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_path))!, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                if (bom) stream.Write("\uFEFF"u8);
                stream.Write(Encoding.UTF8.GetBytes(edited));
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temporary, File.GetUnixFileMode(_path));
            File.Move(temporary, _path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private FileStream Lock()
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(_path))!, $".{Path.GetFileName(_path)}.lock");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(50); // another `feeds` command is writing the file: it takes milliseconds
            }
        }
    }

    /// <summary>The edited text must still be the JSON it was: our edit is refused rather than written otherwise.</summary>
    private void Check(string edited)
    {
        try
        {
            using var document = JsonDocument.Parse(edited, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new ConfigException([$"{_path}: editing it would leave it invalid ({ex.Message}); the file is unchanged, edit it by hand"]);
        }
    }

    /// <summary>The positions of "[" and "]" of the top-level "feeds" array and of each item in it.</summary>
    private (int Open, int Close, List<Item> Items) Locate(string text)
    {
        // Positions from the reader are in UTF-8 bytes; the edit is on the string. Map by decoding prefixes.
        var utf8 = Encoding.UTF8.GetBytes(text);
        var reader = new Utf8JsonReader(utf8, Reading);
        int open = -1, close = -1, arrayDepth = -1;
        var items = new List<Item>();
        int itemStart = -1;
        string? itemName = null;
        try
        {
            while (reader.Read())
            {
                if (open < 0)
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals("feeds")
                        && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                    {
                        open = (int)reader.TokenStartIndex;
                        arrayDepth = reader.CurrentDepth;
                    }
                    continue;
                }
                if (reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == arrayDepth)
                {
                    close = (int)reader.TokenStartIndex;
                    break;
                }
                if (reader.CurrentDepth == arrayDepth + 1)
                {
                    switch (reader.TokenType)
                    {
                        case JsonTokenType.StartObject:
                            itemStart = (int)reader.TokenStartIndex;
                            itemName = null;
                            break;
                        case JsonTokenType.EndObject:
                            items.Add(new Item(itemStart, (int)reader.TokenStartIndex + 1, itemName));
                            break;
                        case JsonTokenType.StartArray:
                            throw new ConfigException([$"{_path}: an item of \"feeds\" is not an object; fix it by hand first"]);
                        default:
                            if (reader.TokenType is not (JsonTokenType.EndArray or JsonTokenType.Comment))
                                items.Add(new Item((int)reader.TokenStartIndex, (int)(reader.TokenStartIndex + reader.ValueSpan.Length), null));
                            break;
                    }
                }
                else if (reader.CurrentDepth == arrayDepth + 2 && reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("name")
                         && reader.Read() && reader.TokenType == JsonTokenType.String)
                {
                    itemName = reader.GetString();
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ConfigException([$"{_path} line {ex.LineNumber + 1}: not valid JSON ({ex.Message.Split(". ")[0]}); fix it by hand first"]);
        }
        if (open < 0 || close < 0)
            throw new ConfigException([$"{_path}: expected an object with a \"feeds\" array, like {{ \"feeds\": [ ... ] }}; fix it by hand first"]);
        int Char(int bytes) => Encoding.UTF8.GetCharCount(utf8, 0, bytes);
        return (Char(open), Char(close), [.. items.Select(i => new Item(Char(i.Start), Char(i.End), i.Name))]);
    }

    /// <summary>The whitespace before <paramref name="position"/> when nothing else precedes it on its line, else null.</summary>
    private static string? IndentOf(string text, int position)
    {
        var lineStart = text.LastIndexOf('\n', Math.Max(0, position - 1)) + 1;
        if (position == 0) return "";
        var prefix = text[lineStart..position];
        return prefix.Length == 0 || string.IsNullOrWhiteSpace(prefix) ? prefix : null;
    }

    private static bool HasComma(string text, int from, int to) => NextComma(text, from, to) >= 0;

    /// <summary>The first comma between two positions outside comments, or -1.</summary>
    private static int NextComma(string text, int from, int to)
    {
        foreach (var (position, c) in Code(text, from, to))
        {
            if (c == ',') return position;
        }
        return -1;
    }

    private static int PreviousComma(string text, int from, int to)
    {
        var last = -1;
        foreach (var (position, c) in Code(text, from, to))
        {
            if (c == ',') last = position;
        }
        return last;
    }

    /// <summary>The characters between two items that are not inside // or /* */ comments.</summary>
    private static IEnumerable<(int Position, char Char)> Code(string text, int from, int to)
    {
        for (var i = from; i < to; i++)
        {
            if (text[i] == '/' && i + 1 < to && text[i + 1] == '/')
            {
                var end = text.IndexOf('\n', i);
                i = end < 0 ? to : end;
                continue;
            }
            if (text[i] == '/' && i + 1 < to && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? to : end + 1;
                continue;
            }
            yield return (i, text[i]);
        }
    }
}
