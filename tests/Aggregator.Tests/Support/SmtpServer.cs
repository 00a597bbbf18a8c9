using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Aggregator.Tests.Support;

/// <summary>A real SMTP server on loopback: Debian's aiosmtpd writing every message it accepts to a Maildir.
/// It can be stopped and started again on the same port, to play an SMTP server that is down.</summary>
public sealed class SmtpServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly string _maildir = Directory.CreateTempSubdirectory("aggregator-maildir-").FullName;
    private Process? _process;

    private SmtpServer(int port)
    {
        Port = port;
        // aiosmtpd's Mailbox handler only creates a Maildir's tmp/new/cur when the folder does not exist yet.
        foreach (var sub in new[] { "tmp", "new", "cur" }) Directory.CreateDirectory(Path.Combine(_maildir, sub));
    }

    public int Port { get; }

    public static async Task<SmtpServer> StartAsync()
    {
        var server = new SmtpServer(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        if (!File.Exists(Python) || Process.Start(new ProcessStartInfo(Python, "-c \"import aiosmtpd\"") { RedirectStandardError = true }) is not { } probe
            || !probe.WaitForExit(10_000) || probe.ExitCode != 0)
            throw new InvalidOperationException("The SMTP tests need Debian's aiosmtpd for /usr/bin/python3: apt-get install python3-aiosmtpd (./test.sh installs it)");

        var info = new ProcessStartInfo(Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { "-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "aiosmtpd.handlers.Mailbox", _maildir })
            info.ArgumentList.Add(arg);
        _process = Process.Start(info)!;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"aiosmtpd exited: {await _process.StandardError.ReadToEndAsync()}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>Stops the server; connections to its port are refused until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Every message accepted so far, oldest first.</summary>
    public IReadOnlyList<MimeMessage> Messages =>
        new[] { "new", "cur" }.Select(d => Path.Combine(_maildir, d)).Where(Directory.Exists)
            .SelectMany(Directory.GetFiles).Select(f => (File: f, Time: File.GetLastWriteTimeUtc(f)))
            .OrderBy(f => f.Time).Select(f => MimeMessage.Load(f.File)).ToList();

    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = Messages;
            if (messages.Count >= count || DateTime.UtcNow > deadline) return messages;
            await Task.Delay(50);
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_maildir, recursive: true); } catch (IOException) { }
    }
}
