using Spectre.Console;

namespace Aggregator.Cli;

/// <summary>How a long command (a first poll of many feeds, an import with --check, backup, vacuum) shows how far it got:
/// a progress bar on a terminal, and when stdout is a pipe or a file (cron, systemd, a script) a plain line now and
/// then, never the bar's control codes.</summary>
internal sealed class ProgressDisplay
{
    private readonly string _what;
    private readonly object _lock = new();
    private ProgressTask? _bar;
    private int _lastTenth = -1;

    private ProgressDisplay(string what) => _what = what;

    /// <summary>True when stdout is a terminal: then a bar replaces the lines a command prints to a pipe.</summary>
    public static bool OnTerminal => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>Runs <paramref name="work"/>, which reports (done, total) through <see cref="Report"/>.</summary>
    /// <param name="what">What is counted, e.g. "feeds polled", "MB copied".</param>
    public static async Task<T> RunAsync<T>(string what, Func<ProgressDisplay, Task<T>> work)
    {
        var display = new ProgressDisplay(what);
        if (!OnTerminal) return await work(display);
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                lock (display._lock) display._bar = context.AddTask(Markup.Escape(what), maxValue: 1);
                result = await work(display);
            });
        return result;
    }

    /// <summary>How far the work got; any thread. Off a terminal, prints a line at each tenth of the way.</summary>
    public void Report(double done, double total)
    {
        lock (_lock)
        {
            if (_bar is { } bar)
            {
                bar.MaxValue = Math.Max(total, 1);
                bar.Value = done;
                return;
            }
            if (total <= 0) return;
            var tenth = (int)(done * 10 / total);
            if (tenth == _lastTenth || tenth == 0) return;
            _lastTenth = tenth;
            Console.WriteLine($"{_what}: {done:#,0.#} of {total:#,0.#} ({tenth * 10}%)");
        }
    }
}
