using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

[assembly: AssemblyFixture(typeof(Aggregator.Tests.Support.PostgresServer))]

namespace Aggregator.Tests.Support;

/// <summary>A real PostgreSQL server for the tests: Debian's `postgresql` package, started with initdb and pg_ctl from
/// /usr/lib/postgresql/*/bin in a temporary data directory, listening on 127.0.0.1 only on a free port, and stopped when
/// the test run ends. It starts when a test first asks for a database, so a run of SQLite tests alone never pays for it.
/// Each test gets a database of its own (<see cref="CreateDatabaseAsync"/>), so tests stay independent and run in
/// parallel. initdb refuses to run as root, and CI runs as root: then the server runs as the `postgres` user the Debian
/// package creates, through runuser. When the server cannot start, the test that asked FAILS with the reason: a
/// PostgreSQL test never passes by not running.</summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim Starting = new(1, 1);
    private static Started? _started;
    private static string? _failure;
    private static int _databases;

    /// <summary>A running server: its folder (data directory, socket, log) and port.</summary>
    private sealed record Started(string Folder, string Bin, int Port, bool AsPostgresUser)
    {
        public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = Port, Username = "postgres", Database = database,
            Pooling = true, MaxPoolSize = 20, Timeout = 30, CommandTimeout = 60,
        }.ToString();
    }

    /// <summary>A new, empty database on the shared server.</summary>
    /// <returns>Its connection string (Host=127.0.0.1;Port=...;Username=postgres;Database=...).</returns>
    public static async Task<string> CreateDatabaseAsync()
    {
        var server = await StartAsync();
        var name = $"aggregator_test_{Environment.ProcessId}_{Interlocked.Increment(ref _databases)}";
        await using (var connection = new NpgsqlConnection(server.ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8'", connection);
            await command.ExecuteNonQueryAsync();
        }
        return server.ConnectionString(name);
    }

    private static async Task<Started> StartAsync()
    {
        await Starting.WaitAsync();
        try
        {
            if (_started is not null) return _started;
            if (_failure is not null) throw new InvalidOperationException(_failure);
            try
            {
                _started = await InitAndStartAsync();
                return _started;
            }
            catch (Exception ex)
            {
                _failure = $"PostgreSQL could not be started for the tests: {ex.Message}. Install Debian's server " +
                    "(apt-get install postgresql; .ci/run does) and make sure /tmp is writable by the postgres user.";
                throw new InvalidOperationException(_failure, ex);
            }
        }
        finally
        {
            Starting.Release();
        }
    }

    private static async Task<Started> InitAndStartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0).FirstOrDefault()
            : null;
        if (bin is null) throw new FileNotFoundException("no /usr/lib/postgresql/*/bin/initdb: the postgresql package is not installed");

        var asPostgres = Environment.IsPrivilegedProcess;
        var folder = Directory.CreateTempSubdirectory("aggregator-pg-").FullName;
        if (asPostgres)
        {
            // The server runs as postgres: it must own its folder (initdb wants an empty one it can write).
            await RunAsync("chown", ["postgres:postgres", folder]);
        }
        var data = Path.Combine(folder, "data");
        await RunServerToolAsync(bin, asPostgres, "initdb", ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions"]);
        var port = FreePort();
        // Test settings: no fsync (the tests kill our processes, never the server), enough connections for three
        // nodes and parallel tests, and the socket in our folder rather than /var/run/postgresql.
        var options = $"-p {port} -c listen_addresses=127.0.0.1 -k {folder} -c fsync=off -c synchronous_commit=off " +
            "-c full_page_writes=off -c max_connections=400 -c shared_buffers=64MB";
        await RunServerToolAsync(bin, asPostgres, "pg_ctl", ["-D", data, "-o", options, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start"]);
        var started = new Started(folder, bin, port, asPostgres);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(started);
        return started;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static Task RunServerToolAsync(string bin, bool asPostgres, string tool, string[] args) =>
        asPostgres
            ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, tool), .. args])
            : RunAsync(Path.Combine(bin, tool), args);

    private static async Task RunAsync(string program, string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} {string.Join(' ', args)} exited with {process.ExitCode}: {(await error).Trim()} {(await output).Trim()}");
    }

    private static void Stop(Started started)
    {
        try
        {
            var pgCtl = Path.Combine(started.Bin, "pg_ctl");
            string[] args = ["-D", Path.Combine(started.Folder, "data"), "-m", "immediate", "-w", "stop"];
            var info = started.AsPostgresUser ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, .. args]) : new ProcessStartInfo(pgCtl, args);
            info.RedirectStandardOutput = info.RedirectStandardError = true;
            using var process = Process.Start(info);
            process?.WaitForExit(30_000);
            Directory.Delete(started.Folder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception)
        {
        }
    }

    /// <summary>The end of the test run: the server stops and its folder goes.</summary>
    public async ValueTask DisposeAsync()
    {
        await Starting.WaitAsync();
        try
        {
            if (_started is { } started) Stop(started);
            _started = null;
        }
        finally
        {
            Starting.Release();
        }
    }
}
