using System.Diagnostics;

namespace Aggregator.Tests.Support;

/// <summary>Runs the real `aggregator` executable (built beside the tests) as a child process, as a user would.</summary>
public static class AggregatorProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static string ExecutablePath => Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "aggregator.exe" : "aggregator");

    public static ProcessStartInfo StartInfo(string contentRoot, params string[] args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.ArgumentList.Add("--contentRoot");
        info.ArgumentList.Add(contentRoot);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return info;
    }

    public static async Task<Result> RunAsync(string contentRoot, params string[] args)
    {
        using var process = Process.Start(StartInfo(contentRoot, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"aggregator {string.Join(' ', args)} did not exit within 2 minutes; stderr: {await stderr}");
        }
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
