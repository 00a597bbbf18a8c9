using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Aggregator.Cli;

/// <summary>`aggregator feeds export [FILE]`: config/feeds.json as OPML 2.0 for another reader (stdout by default).</summary>
internal static class FeedsExportCommand
{
    public static Command Create()
    {
        var fileArgument = new Argument<string?>("file") { Description = "Where to write the OPML (default: standard output)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("export", "Write the feeds as OPML 2.0 (tags as folders), which Feedly, Inoreader, Miniflux and newsboat import") { fileArgument };
        command.SetAction((parse, cancellationToken) => AppHost.RunAsync(parse, CommandKind.Reads, cancellationToken, async host =>
        {
            var sites = (await host.Services.GetRequiredService<FeedStore>().GetAllAsync(cancellationToken))
                .ToDictionary(f => f.Name, f => f.SiteUrl, StringComparer.OrdinalIgnoreCase);
            var feeds = host.Services.GetRequiredService<ConfigFiles>().Current.Feeds
                .Select(f => new OpmlFeed(f.Name, f.Url.AbsoluteUri, sites.GetValueOrDefault(f.Name), f.Tags)).ToList();
            var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            if (parse.GetValue(fileArgument) is not { } file)
            {
                await using var stdout = Console.OpenStandardOutput();
                OpmlWriter.Write(stdout, feeds, now);
                stdout.WriteByte((byte)'\n');
                return ExitCodes.Ok;
            }
            try
            {
                await using (var output = File.Create(file)) OpmlWriter.Write(output, feeds, now);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Cannot write {file}: {ex.Message}");
                return ExitCodes.Failure;
            }
            Console.WriteLine($"Exported {feeds.Count} feeds to {file}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
