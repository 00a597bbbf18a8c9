using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Aggregator.Fetching;
using Aggregator.Parsing;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;
using FeedParse = Aggregator.Parsing.ParseResult;

namespace Aggregator.Cli;

/// <summary>`aggregator parse FILE_OR_URL... [--json]`: the parser on its own, for tooling, conformance checks and benchmarks.</summary>
internal static class ParseCommand
{
    public static Command Create()
    {
        var sources = new Argument<string[]>("sources") { Description = "Feed files or http(s) URLs", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "One JSON object per source and line, in argument order" };
        var stats = new Option<bool>("--stats") { Description = "Also print throughput and allocation per entry to stderr" };
        var command = new Command("parse", "Parse feed documents and print them in the normalised form") { sources, json, stats };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var parser = new FeedParser();
            // URLs are fetched as `poll` fetches them: the same caps (size, time, redirects) and address policy, from the
            // same settings. The host is built only when a URL needs it: parsing files is benchmarked as a whole process.
            using var host = parse.GetValue(sources)!.Any(IsUrl) ? AppHost.Build(parse) : null;
            var fetcher = host?.Services.GetRequiredService<FeedFetcher>();
            await using var stdout = Console.OpenStandardOutput();
            await using var buffered = new BufferedStream(stdout, 1 << 16);
            await using var writer = new Utf8JsonWriter(buffered, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            var failures = 0;
            long bytesRead = 0, entries = 0;
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            // Documents are parsed on every core while results are written in argument order; the window
            // bounds how many parsed documents wait in memory for the one before them.
            var window = Environment.ProcessorCount * 4;
            using var cores = new SemaphoreSlim(Environment.ProcessorCount);
            var pending = new Queue<(string Source, Task<(FeedParse? Result, string? Error)> Parse)>();
            async Task WriteNextAsync()
            {
                var (source, parsing) = pending.Dequeue();
                var (result, readError) = await parsing;
                entries += result?.Feed?.Entries.Count ?? 0;
                var error = readError ?? result?.Error;
                if (error is not null)
                {
                    failures++;
                    await Console.Error.WriteLineAsync($"{source}: {error}");
                }
                if (parse.GetValue(json)) WriteJson(writer, source, result?.Feed, error);
                else await WriteSummaryAsync(buffered, source, result?.Feed, error);
                writer.Reset();
                buffered.WriteByte((byte)'\n');
            }
            foreach (var source in parse.GetValue(sources)!)
            {
                if (pending.Count >= window) await WriteNextAsync();
                pending.Enqueue((source, Task.Run(async () =>
                {
                    await cores.WaitAsync(cancellationToken);
                    try
                    {
                        var parsed = await ParseAsync(parser, fetcher, source, cancellationToken);
                        Interlocked.Add(ref bytesRead, parsed.Bytes);
                        return (parsed.Result, parsed.Error);
                    }
                    finally
                    {
                        cores.Release();
                    }
                }, cancellationToken)));
            }
            while (pending.Count > 0) await WriteNextAsync();
            if (parse.GetValue(stats))
            {
                await buffered.FlushAsync(cancellationToken);
                var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds;
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                await Console.Error.WriteLineAsync(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"parsed {bytesRead / 1e6:0.0} MB, {entries} entries in {seconds:0.00} s: {bytesRead / 1e6 / seconds:0.0} MB/s, " +
                    $"{entries / seconds:0} entries/s; allocated {allocated / 1e6:0} MB, {(entries == 0 ? 0 : allocated / entries):0} bytes per entry " +
                    $"({(bytesRead == 0 ? 0 : (double)allocated / bytesRead):0.0} per input byte)"));
            }
            return failures == 0 ? ExitCodes.Ok : ExitCodes.Failure;
        });
        return command;
    }

    private static bool IsUrl(string source) =>
        Uri.TryCreate(source, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static async Task<(FeedParse? Result, string? Error, long Bytes)> ParseAsync(FeedParser parser, FeedFetcher? fetcher,
        string source, CancellationToken cancellationToken)
    {
        if (fetcher is not null && IsUrl(source))
        {
            var url = new Uri(source);
            var fetch = await fetcher.FetchAsync(url, etag: null, lastModified: null, cancellationToken);
            if (fetch.Outcome != FetchOutcome.Fetched) return (null, fetch.Error ?? $"HTTP {fetch.StatusCode}", 0);
            using var body = fetch.Body!;
            return (Parse(parser, body.Memory, fetch.FinalUrl ?? url, fetch.ContentType), null, body.Memory.Length);
        }
        byte[] bytes;
        try
        {
            bytes = await File.ReadAllBytesAsync(source, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read the file: {ex.Message}", 0);
        }
        return (Parse(parser, bytes, null, null), null, bytes.Length);
    }

    private static FeedParse Parse(FeedParser parser, ReadOnlyMemory<byte> body, Uri? source, string? contentType)
    {
        try
        {
            return parser.Parse(body, source, contentType);
        }
        catch (Exception ex)
        {
            // The parser never throws on bad input; this is our bug. Report it and go on with the other sources.
            return FeedParse.Fail($"internal parser error (please report): {ex}");
        }
    }

    private static void WriteJson(Utf8JsonWriter writer, string source, ParsedFeed? feed, string? error)
    {
        writer.WriteStartObject();
        writer.WriteString("source", source);
        if (feed is null)
        {
            writer.WriteString("error", error);
            writer.WriteEndObject();
            writer.Flush();
            return;
        }
        writer.WriteString("version", feed.Version);
        writer.WriteString("title", feed.Title);
        writer.WriteString("link", feed.Link);
        if (feed.Problems.Count > 0) writer.WriteBoolean("bozo", true);
        writer.WriteStartArray("entries");
        foreach (var entry in feed.Entries)
        {
            writer.WriteStartObject();
            writer.WriteString("id", entry.Id);
            writer.WriteString("title", entry.Title);
            writer.WriteString("link", entry.Link);
            writer.WriteString("published", Iso.ToText(entry.Published));
            writer.WriteString("updated", Iso.ToText(entry.Updated));
            writer.WriteString("author", entry.Author);
            writer.WriteString("summary", entry.Summary);
            writer.WriteString("content", entry.Content);
            writer.WriteString("language", entry.Language);
            if (entry.Enclosures.Count > 0)
            {
                writer.WriteStartArray("enclosures");
                foreach (var enclosure in entry.Enclosures)
                {
                    writer.WriteStartObject();
                    writer.WriteString("url", enclosure.Url);
                    writer.WriteString("type", enclosure.Type);
                    if (enclosure.Length is { } length) writer.WriteNumber("length", length);
                    else writer.WriteNull("length");
                    writer.WriteEndObject();
                }
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
    }

    private static async Task WriteSummaryAsync(Stream output, string source, ParsedFeed? feed, string? error)
    {
        var text = feed is null
            ? $"{source}: error: {error}"
            : $"{source}: {feed.Version} \"{feed.Title}\" {feed.Link}, {feed.Entries.Count} entries" +
              string.Concat(feed.Problems.Select(p => $"\n  problem: {p}")) +
              string.Concat(feed.Entries.Take(5).Select(e => $"\n  {Iso.ToText(e.Published) ?? "no date",-20}  {e.Title}")) +
              (feed.Entries.Count > 5 ? $"\n  ... {feed.Entries.Count - 5} more" : "");
        await output.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text));
    }
}
