using System.Runtime.CompilerServices;
using Spectre.Console;

namespace Aggregator.Cli;

/// <summary>How a long command (a first poll of many feeds, an import with --check, backup, vacuum) shows how far it got:
/// a progress bar on a terminal, and when stdout is a pipe or a file (cron, systemd, a script) a plain line now and
/// then, never the bar's control codes. Spectre.Console is touched only on a terminal: loading it cost a poll run
/// from cron about 20 ms of CPU for nothing.</summary>
internal sealed class ProgressDisplay
{
    private readonly string _what;
    private readonly object _lock = new();
    private Action<double, double>? _bar;
    private int _lastTenth = -1;

    private ProgressDisplay(string what) => _what = what;

    /// <summary>True when stdout is a terminal: then a bar replaces the lines a command prints to a pipe.</summary>
    public static bool OnTerminal => !Console.IsOutputRedirected && Interactive();

    /// <summary>Runs <paramref name="work"/>, which reports (done, total) through <see cref="Report"/>.</summary>
    /// <param name="what">What is counted, e.g. "feeds polled", "MiB copied".</param>
    public static Task<T> RunAsync<T>(string what, Func<ProgressDisplay, Task<T>> work)
    {
        var display = new ProgressDisplay(what);
        return OnTerminal ? WithBarAsync(display, work) : work(display);
    }

    /// <summary>How far the work got; any thread. Off a terminal, prints a line at each tenth of the way.</summary>
    public void Report(double done, double total)
    {
        lock (_lock)
        {
            if (_bar is { } bar)
            {
                bar(done, total);
                return;
            }
            if (total <= 0) return;
            var tenth = (int)(done * 10 / total);
            if (tenth == _lastTenth || tenth == 0) return;
            _lastTenth = tenth;
            Console.WriteLine($"{_what}: {done:#,0.#} of {total:#,0.#} ({tenth * 10}%)");
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool Interactive() => AnsiConsole.Profile.Capabilities.Interactive;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<T> WithBarAsync<T>(ProgressDisplay display, Func<ProgressDisplay, Task<T>> work)
    {
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(display._what), maxValue: 1);
                lock (display._lock)
                {
                    display._bar = (done, total) =>
                    {
                        task.MaxValue = Math.Max(total, 1);
                        task.Value = done;
                    };
                }
                result = await work(display);
            });
        return result;
    }
}
