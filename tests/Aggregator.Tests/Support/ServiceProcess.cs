using System.Diagnostics;

namespace Aggregator.Tests.Support;

/// <summary>`aggregator run` (or another command a test follows while it runs) as a child process, its log (stderr) and
/// output (stdout) read line by line so a test can wait for what it says (a reload, a rejected edit, a feed's line)
/// instead of sleeping; stopped with SIGTERM as systemd stops it, or killed with SIGKILL as a crash would.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly List<string> _output = [];
    private readonly TaskCompletionSource _outputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _logEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) => Add(_log, e.Data, _logEnded);
        process.OutputDataReceived += (_, e) => Add(_output, e.Data, _outputEnded);
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    private void Add(List<string> lines, string? line, TaskCompletionSource ended)
    {
        lock (_log)
        {
            if (line is null) ended.TrySetResult();
            else lines.Add(line);
            _changed.TrySetResult();
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public static ServiceProcess Start(string contentRoot, IReadOnlyDictionary<string, string>? environment = null) =>
        StartCommand(contentRoot, environment, "run");

    /// <summary>Any command, e.g. `poll`, whose lines a test reads as they come.</summary>
    public static ServiceProcess StartCommand(string contentRoot, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var info = AggregatorProcess.StartInfo(contentRoot, args);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return new ServiceProcess(Process.Start(info)!);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>stderr so far.</summary>
    public string Log => Text(_log);

    /// <summary>stdout so far.</summary>
    public string Output => Text(_output);

    private string Text(List<string> lines)
    {
        lock (_log) return string.Join('\n', lines);
    }

    /// <summary>Waits until a log line contains <paramref name="text"/> (counting lines already logged after
    /// <paramref name="after"/> of them); throws with the log when it does not come or the service exits first.</summary>
    /// <returns>How many lines had been logged once it came, to wait for the next occurrence.</returns>
    public Task<int> WaitForLogAsync(string text, int after = 0, TimeSpan? timeout = null) =>
        WaitForLineAsync(_log, line => line.Contains(text, StringComparison.Ordinal), $"log \"{text}\"", after, timeout);

    /// <summary>Waits until a log line matches <paramref name="match"/>; see <see cref="WaitForLogAsync(string, int, TimeSpan?)"/>.</summary>
    public Task<int> WaitForLogAsync(Func<string, bool> match, string what, int after = 0, TimeSpan? timeout = null) =>
        WaitForLineAsync(_log, match, what, after, timeout);

    /// <summary>Waits until a line of stdout contains <paramref name="text"/>; see <see cref="WaitForLogAsync(string, int, TimeSpan?)"/>.</summary>
    public Task<int> WaitForOutputAsync(string text, int after = 0, TimeSpan? timeout = null) =>
        WaitForLineAsync(_output, line => line.Contains(text, StringComparison.Ordinal), $"print \"{text}\"", after, timeout);

    private async Task<int> WaitForLineAsync(List<string> lines, Func<string, bool> match, string what, int after, TimeSpan? timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_log)
            {
                for (var i = after; i < lines.Count; i++)
                {
                    if (match(lines[i])) return i + 1;
                }
                changed = _changed.Task;
            }
            if (_process.HasExited && _logEnded.Task.IsCompleted && _outputEnded.Task.IsCompleted)
                throw new InvalidOperationException($"the process exited ({_process.ExitCode}) before it did {what}:\n{Log}\n{Output}");
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero) throw new TimeoutException($"the process did not {what}:\n{Log}\n{Output}");
            // Woken by the next line; the second bound only notices an exit, which adds no line.
            await Task.WhenAny(changed, Task.Delay(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1)));
        }
    }

    /// <summary>SIGTERM, then the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
        }
        return await WaitForExitAsync();
    }

    /// <summary>SIGKILL: no shutdown code runs, as when the machine loses power or the OOM killer strikes.</summary>
    /// <returns>False when the process had already exited on its own.</returns>
    public async Task<bool> KillAsync()
    {
        var killed = false;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                killed = true;
            }
        }
        catch (InvalidOperationException)
        {
            // It exited between the check and the kill.
        }
        await WaitForExitAsync();
        return killed;
    }

    /// <summary>Waits for the process to end (within 60 s) and for the last of its output.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        await Task.WhenAll(_logEnded.Task, _outputEnded.Task).WaitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
