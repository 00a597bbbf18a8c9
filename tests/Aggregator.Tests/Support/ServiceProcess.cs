using System.Diagnostics;

namespace Aggregator.Tests.Support;

/// <summary>`aggregator run` as a child process, its log read line by line so a test can wait for what the service
/// says (a reload, a rejected edit) instead of sleeping, and stopped with SIGTERM as systemd stops it.</summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _log = [];
    private readonly Task _stdout;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ServiceProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_log)
            {
                _log.Add(e.Data);
                _changed.TrySetResult();
                _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        };
        process.BeginErrorReadLine();
        _stdout = process.StandardOutput.ReadToEndAsync();
    }

    public static ServiceProcess Start(string contentRoot, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = AggregatorProcess.StartInfo(contentRoot, "run");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return new ServiceProcess(Process.Start(info)!);
    }

    public bool HasExited => _process.HasExited;

    public string Log
    {
        get
        {
            lock (_log) return string.Join('\n', _log);
        }
    }

    /// <summary>Waits until a log line contains <paramref name="text"/> (counting lines already logged after
    /// <paramref name="after"/> of them); throws with the log when it does not come or the service exits first.</summary>
    /// <returns>How many lines had been logged once it came, to wait for the next occurrence.</returns>
    public async Task<int> WaitForLogAsync(string text, int after = 0, TimeSpan? timeout = null)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((timeout ?? TimeSpan.FromSeconds(60)).TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            Task changed;
            lock (_log)
            {
                for (var i = after; i < _log.Count; i++)
                {
                    if (_log[i].Contains(text, StringComparison.Ordinal)) return i + 1;
                }
                changed = _changed.Task;
            }
            if (_process.HasExited) throw new InvalidOperationException($"the service exited ({_process.ExitCode}) before logging \"{text}\":\n{Log}");
            var left = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), deadline);
            if (left <= TimeSpan.Zero) throw new TimeoutException($"the service did not log \"{text}\":\n{Log}");
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
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        await _stdout;
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: the node dies mid-work, no shutdown code runs (its claims stay until their lease ends).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
