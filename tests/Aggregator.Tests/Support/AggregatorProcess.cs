using System.Diagnostics;

namespace Aggregator.Tests.Support;

/// <summary>Runs the real `aggregator` executable (built beside the tests) as a child process, as a user would.</summary>
public static class AggregatorProcess
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    /// <summary>The checkout the tests were built from (tests/Aggregator.Tests/bin/CONFIG/net10.0, five levels up).</summary>
    public static string RepositoryRoot { get; } = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.Parent!.FullName;

    /// <summary>The executable in its own build output (src/Aggregator/bin/CONFIG/net10.0), not the copy beside the
    /// tests: that one would resolve its dependencies against the test project's (ASP.NET Core) framework set.</summary>
    public static string ExecutablePath { get; } = FindExecutable();

    private static string FindExecutable()
    {
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = testOutput.Name;                 // net10.0
        var configuration = testOutput.Parent!.Name;     // Debug or Release
        var path = Path.Combine(RepositoryRoot, "src", "Aggregator", "bin", configuration, framework, OperatingSystem.IsWindows() ? "aggregator.exe" : "aggregator");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The aggregator executable was not built at {path}; build the solution first", path);
    }

    /// <param name="contentRoot">Passed as --contentRoot after the arguments; none when null (`--version` takes no other option).</param>
    public static ProcessStartInfo StartInfo(string? contentRoot, params string[] args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        if (contentRoot is not null)
        {
            info.ArgumentList.Add("--contentRoot");
            info.ArgumentList.Add(contentRoot);
        }
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return info;
    }

    public static Task<Result> RunAsync(string? contentRoot, params string[] args) => RunAsync(StartInfo(contentRoot, args));

    /// <param name="info">From <see cref="StartInfo"/>, perhaps with more environment variables.</param>
    public static async Task<Result> RunAsync(ProcessStartInfo info)
    {
        var args = info.ArgumentList.ToArray();
        using var process = Process.Start(info)!;
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
