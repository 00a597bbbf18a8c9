using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Aggregator.Notifications;
using MimeKit;

namespace Aggregator.Tests.Support;

/// <summary>A real SMTP server on loopback: Debian's aiosmtpd, driven by a small handler script, storing
/// every accepted message in a Maildir that <see cref="Messages"/> reads back with MimeKit.</summary>
/// <remarks>
/// Recipients steer failures, so a test needs no second server: a local part starting with "reject"
/// (reject@example.org) gets "550 5.1.1", one starting with "defer" gets "451 4.3.0". Each stored message
/// starts with X-MailFrom and X-RcptTo headers holding the SMTP envelope.
/// <see cref="StopAsync"/> and <see cref="RestartAsync"/> simulate a relay that is down and comes back on
/// the same port. The script exits when our end of its stdin closes, so a crashed test run leaves no
/// server behind. Every AUTH command that reaches the server is recorded (its mechanism, never the
/// credentials) in <see cref="AuthCommands"/>; the server offers no STARTTLS.
/// </remarks>
public sealed class SmtpServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private const string Loopback = "127.0.0.1";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    // Files are named by a zero-padded counter (Maildir allows any unique name) so sorting by name is arrival
    // order; written to tmp/ then renamed into new/, the Maildir way to never expose half a message.
    private const string Script = """
        import asyncio, os, sys
        from aiosmtpd.smtp import SMTP, AuthResult

        host, port, maildir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        user = sys.argv[4] if len(sys.argv) > 4 else None
        password = sys.argv[5] if len(sys.argv) > 5 else None
        for sub in ('tmp', 'new', 'cur'):
            os.makedirs(os.path.join(maildir, sub), exist_ok=True)
        counter = len(os.listdir(os.path.join(maildir, 'new')))

        class Handler:
            async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
                local = address.split('@', 1)[0].lower()
                if local.startswith('reject'):
                    return '550 5.1.1 Mailbox unavailable'
                if local.startswith('defer'):
                    return '451 4.3.0 Try again later'
                envelope.rcpt_tos.append(address)
                return '250 OK'

            async def handle_DATA(self, server, session, envelope):
                global counter
                counter += 1
                name = '%06d.eml' % counter
                head = 'X-MailFrom: %s\r\nX-RcptTo: %s\r\n' % (envelope.mail_from, ', '.join(envelope.rcpt_tos))
                with open(os.path.join(maildir, 'tmp', name), 'wb') as f:
                    f.write(head.encode() + envelope.original_content)
                os.rename(os.path.join(maildir, 'tmp', name), os.path.join(maildir, 'new', name))
                return '250 Message accepted for delivery'

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = auth_data.login.decode() == user and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

        class Recording(SMTP):
            async def smtp_AUTH(self, arg):
                with open(os.path.join(os.path.dirname(maildir), 'auth.log'), 'a') as f:
                    f.write((arg or '').split(' ')[0] + '\n')
                return await super().smtp_AUTH(arg)

        def smtp():
            if user is None:
                return Recording(Handler(), hostname='aggregator-test')
            return Recording(Handler(), hostname='aggregator-test', authenticator=authenticator,
                             auth_required=True, auth_require_tls=False)

        def parent_gone():
            if not os.read(sys.stdin.fileno(), 1024):
                os._exit(0)

        async def main():
            loop = asyncio.get_running_loop()
            server = await loop.create_server(smtp, host, port)
            loop.add_reader(sys.stdin.fileno(), parent_gone)
            print(server.sockets[0].getsockname()[1], flush=True)
            await server.serve_forever()

        asyncio.run(main())
        """;

    private readonly string _directory;
    private readonly string _maildir;
    private readonly string? _username;
    private readonly string? _password;
    private readonly StringBuilder _stderr = new();
    private Process? _process;

    private SmtpServer(string directory, string? username, string? password)
    {
        _directory = directory;
        _maildir = Path.Combine(directory, "Maildir");
        _username = username;
        _password = password;
    }

    public string Host => Loopback;

    /// <summary>Fixed for the server's life, across <see cref="StopAsync"/> and <see cref="RestartAsync"/>.</summary>
    public int Port { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server on a free loopback port. With a username and password it requires AUTH
    /// (PLAIN or LOGIN, allowed without TLS here) and refuses anything else.</summary>
    public static async Task<SmtpServer> StartAsync(string? username = null, string? password = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "aggregator-smtp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "server.py"), Script);
        var server = new SmtpServer(directory, username, password);
        try
        {
            await server.LaunchAsync(port: 0);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Options for an smtp notifier pointed at this server, plain SMTP, short timeout.</summary>
    public NotifierOptions NotifierOptions(params string[] to) => new()
    {
        Type = "smtp",
        Host = Host,
        Port = Port,
        Security = "none",
        From = "Aggregator <aggregator@example.org>",
        To = to.Length > 0 ? [.. to] : ["reader@example.org"],
        // Generous: aiosmtpd is Python, and on a loaded 2-core machine its answer once took over 5 s (soak run 3 of
        // 10). The tests of the timeout itself set their own.
        Timeout = TimeSpan.FromSeconds(60),
    };

    /// <summary>Every message accepted so far, in arrival order.</summary>
    public IReadOnlyList<MimeMessage> Messages
    {
        get
        {
            var inbox = Path.Combine(_maildir, "new");
            if (!Directory.Exists(inbox))
                return [];
            return [.. Directory.GetFiles(inbox).Order(StringComparer.Ordinal).Select(path => MimeMessage.Load(path))];
        }
    }

    /// <summary>The mechanism of every AUTH command received so far (PLAIN, LOGIN), in order.</summary>
    public IReadOnlyList<string> AuthCommands
    {
        get
        {
            var log = Path.Combine(_directory, "auth.log");
            return File.Exists(log) ? File.ReadAllLines(log) : [];
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> messages arrived; throws with what did arrive
    /// when they do not come in time.</summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var messages = Messages;
            if (messages.Count >= count)
                return messages;
            if (Stopwatch.GetTimestamp() > deadline)
                throw new TimeoutException(
                    $"SMTP server on port {Port}: expected {count} message(s) within {timeout.TotalSeconds} s, got {messages.Count}. Server stderr: {Stderr()}");
            await Task.Delay(25);
        }
    }

    /// <summary>Kills the server: connections to <see cref="Port"/> are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
            return;
        _process = null;
        if (!process.HasExited)
            process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    /// <summary>Starts the server again on the same port, keeping the messages received so far.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await LaunchAsync(Port);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A temp directory left behind is harmless; failing a test for it is not.
        }
    }

    private async Task LaunchAsync(int port)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-u", Path.Combine(_directory, "server.py"), Loopback, port.ToString(), _maildir })
            start.ArgumentList.Add(argument);
        if (_username is not null)
        {
            start.ArgumentList.Add(_username);
            start.ArgumentList.Add(_password ?? "");
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{Python} did not start");
        }
        catch (Win32Exception exception)
        {
            throw new InvalidOperationException(
                $"The SMTP test server needs {Python} with aiosmtpd: apt-get install python3-aiosmtpd ({exception.Message})", exception);
        }
        lock (_stderr)
            _stderr.Clear();
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                lock (_stderr)
                    _stderr.AppendLine(line.Data);
        };
        process.BeginErrorReadLine();
        _process = process;

        // The script prints its port once it listens, so the first line is also the readiness signal.
        string? first;
        try
        {
            first = await process.StandardOutput.ReadLineAsync().WaitAsync(StartTimeout);
        }
        catch (TimeoutException)
        {
            await StopAsync();
            throw new InvalidOperationException($"SMTP test server did not start within {StartTimeout.TotalSeconds} s: {Stderr()}");
        }
        if (first is null || !int.TryParse(first, out var listening))
        {
            await process.WaitForExitAsync();
            await StopAsync();
            var error = Stderr();
            throw new InvalidOperationException(error.Contains("No module named 'aiosmtpd'", StringComparison.Ordinal)
                ? $"The SMTP test server needs aiosmtpd for {Python}: apt-get install python3-aiosmtpd"
                : $"SMTP test server failed to start on {Loopback}:{port}: {error}");
        }
        Port = listening;
    }

    private string Stderr()
    {
        lock (_stderr)
            return _stderr.Length == 0 ? "(empty)" : _stderr.ToString().Trim();
    }
}
