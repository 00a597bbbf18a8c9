using System.CommandLine;
using Aggregator.Configuration;

namespace Aggregator.Cli;

/// <summary>`aggregator init [DIR]`: a starter content root (appsettings.json and config/) that runs as written.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var directory = new Argument<string?>("dir") { Description = "Where to create it (default: --contentRoot, else the current directory)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("init", "Write a commented starter appsettings.json and config/ (a few world-news feeds, one rule, the console notifier)") { directory };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var given = parse.GetValue(directory) ?? parse.GetValue(AppHost.ContentRoot);
            var root = Path.GetFullPath(given ?? ".");
            var files = new (string Path, string Text)[]
            {
                (Path.Combine(root, "appsettings.json"), StarterFiles.AppSettings),
                (Path.Combine(root, "config", ConfigLoader.FeedsFile), StarterFiles.Feeds),
                (Path.Combine(root, "config", ConfigLoader.RulesFile), StarterFiles.Rules),
            };
            if (files.FirstOrDefault(f => File.Exists(f.Path)) is { Path: not null } existing)
            {
                await Console.Error.WriteLineAsync($"Not written: {existing.Path} already exists, and init never overwrites; " +
                    "give an empty folder (`aggregator init DIR`), or edit the files that are there.");
                return ExitCodes.Failure;
            }
            try
            {
                foreach (var (path, text) in files)
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
                    await using var writer = new StreamWriter(file);
                    await writer.WriteAsync(text);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"Cannot write the starter files in {root}: {ex.Message}");
                return ExitCodes.Failure;
            }
            var at = given is null ? "" : $" --contentRoot {Quote(given)}";
            Console.WriteLine($"Created {files[0].Path}, {files[1].Path} and {files[2].Path}. Next:");
            Console.WriteLine($"  aggregator poll{at}      # read every feed once; one line per feed");
            Console.WriteLine($"  aggregator status{at}    # what each feed holds, and its last error");
            Console.WriteLine($"  aggregator run{at}       # the service: polls on schedule and alerts (Ctrl+C stops it)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static string Quote(string path) => path.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"') ? $"'{path.Replace("'", "'\\''")}'" : path;
}
