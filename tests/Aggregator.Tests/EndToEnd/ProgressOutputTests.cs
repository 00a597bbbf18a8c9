using System.Diagnostics;
using Aggregator.Tests.Support;

namespace Aggregator.Tests.EndToEnd;

/// <summary>A long command shows a progress bar on a terminal, and plain lines (one per feed for `poll`) with no control
/// codes when stdout is a pipe or a file, as under cron, systemd or a script.</summary>
public sealed class ProgressOutputTests : IAsyncLifetime
{
    // Spectre.Console treats a console as non-interactive under these CI systems; the terminal test removes them.
    private static readonly string[] CiVariables =
    [
        "CI", "CI_SERVER", "GITHUB_ACTIONS", "TF_BUILD", "TRAVIS", "APPVEYOR", "JENKINS_URL", "TEAMCITY_VERSION",
        "GO_SERVER_URL", "BITRISE_BUILD_URL", "BITBUCKET_COMMIT", "bamboo_buildNumber", "BuildRunner",
    ];

    private readonly ContentRoot _root = new();
    private FeedServer _feeds = null!;

    public async ValueTask InitializeAsync()
    {
        _feeds = await FeedServer.StartAsync();
        _root.WriteSettings();
        _root.WriteFeeds($$"""
            { "feeds": [
              { "name": "Alpha", "url": "{{_feeds.Url("/alpha.xml")}}" },
              { "name": "Beta",  "url": "{{_feeds.Url("/beta.xml")}}" },
              { "name": "Gamma", "url": "{{_feeds.Url("/gamma.xml")}}" }
            ] }
            """);
        _feeds.Serve("/alpha.xml", Rss.Feed("Alpha", new Rss.Item("a1", "News")));
        _feeds.Serve("/beta.xml", Rss.Feed("Beta", new Rss.Item("b1", "News")));
        _feeds.Serve("/gamma.xml", Rss.Feed("Gamma"));
    }

    public async ValueTask DisposeAsync()
    {
        await _feeds.DisposeAsync();
        _root.Dispose();
    }

    [Fact]
    public async Task ToAPipePollPrintsOnePlainLinePerFeedAndNoControlCodes()
    {
        var result = await AggregatorProcess.RunAsync(_root.Path, "poll");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain('\u001b', result.StdOut);
        Assert.DoesNotContain("feeds polled", result.StdOut);
        foreach (var feed in new[] { "Alpha", "Beta", "Gamma" }) Assert.Single(Lines(result.StdOut), l => l.StartsWith($"ok    {feed} ", StringComparison.Ordinal));
        Assert.StartsWith("3 feeds: 3 read", Lines(result.StdOut)[^1]);
    }

    [Fact]
    public async Task OnATerminalPollShowsAProgressBarThenOnlyTheFeedsWorthALine()
    {
        await AggregatorProcess.RunAsync(_root.Path, "poll"); // stores the backlogs: the next poll finds nothing new

        // util-linux `script` (Debian's essential bsdutils) runs the command on a pseudo-terminal and copies what it
        // writes there to our pipe, control codes included.
        var command = string.Join(' ', new[] { AggregatorProcess.ExecutablePath, "poll", "--contentRoot", _root.Path }.Select(a => $"'{a}'"));
        var info = new ProcessStartInfo("script")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--quiet", "--return", "--command", command, "/dev/null" }) info.ArgumentList.Add(arg);
        info.Environment["TERM"] = "xterm-256color";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var name in CiVariables) info.Environment.Remove(name);
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var output = await stdout;

        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}; stdout: {output}; stderr: {await stderr}");
        // The bar: its control codes and its label (how many columns it shows depends on the terminal's width).
        Assert.True(output.Contains('\u001b') && output.Contains("feeds polled"), $"no progress bar in: {output}");
        // After the bar, the feeds worth a line (failures, new entries): none here, so no per-feed line at all.
        Assert.DoesNotContain("ok    Alpha", output);
        Assert.Contains("3 feeds: 3 read", output);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
