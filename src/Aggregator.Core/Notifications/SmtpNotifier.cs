using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace Aggregator.Notifications;

/// <summary>Sends an alert as an email through an SMTP relay with MailKit.</summary>
/// <remarks>
/// Alerts come in bursts (a busy poll cycle, the end of a digest period), so the connection is kept for the
/// next one and closed with QUIT after <see cref="IdleTimeout"/> without a send: one TCP, TLS and AUTH
/// handshake per burst instead of per alert. A kept connection the server has meanwhile dropped is replaced
/// once, transparently. Sends through one notifier take turns on that connection.
/// The notifier's Timeout is the budget of one delivery, building the message included: the message is built on
/// the thread pool and given up on when the budget runs out, so one entry cannot stall delivery.
/// Outcomes: cannot connect, timeout, dropped connection, TLS handshake failure and SMTP 4xx are
/// <see cref="DeliveryStatus.Retry"/>; SMTP 5xx (sender, any recipient or the message refused),
/// bad credentials, a server without the required STARTTLS or AUTH and a message that cannot be built
/// within the budget are <see cref="DeliveryStatus.Permanent"/>:
/// they fail the same way until someone changes the configuration, and retrying them only delays the
/// dead-letter that tells the operator. A server refusing one of several recipients with 5xx fails the
/// whole message (MailKit's default): the alert is dead-lettered rather than silently reaching only some.
/// </remarks>
public sealed partial class SmtpNotifier : INotifier, IDisposable
{
    /// <summary>Well under the 5 minutes RFC 5321 §4.5.3.2.7 lets a server wait for the next command.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _connection = new(1, 1);
    private SmtpClient? _client;
    private ITimer? _idleTimer;

    private readonly NotifierOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SmtpNotifier> _logger;
    private readonly MailboxAddress _from;
    private readonly IReadOnlyList<MailboxAddress> _to;
    private readonly SecureSocketOptions _security;
    private readonly string _host;
    private readonly Func<Alert, MailboxAddress, IEnumerable<MailboxAddress>, DateTimeOffset, MimeMessage> _buildEmail;

    /// <param name="name">The notifier's key under "Notifiers".</param>
    /// <param name="options">Checked with <see cref="NotifierFactory.Validate(string, NotifierOptions, bool)"/> first; bad addresses throw here.</param>
    public SmtpNotifier(string name, NotifierOptions options, TimeProvider timeProvider, ILogger<SmtpNotifier> logger)
        : this(name, options, timeProvider, logger, AlertEmail.Build)
    {
    }

    /// <param name="buildEmail">How an alert becomes an email (<see cref="AlertEmail.Build"/>); tests pass a slow
    /// one to see the time budget hold.</param>
    internal SmtpNotifier(string name, NotifierOptions options, TimeProvider timeProvider, ILogger<SmtpNotifier> logger,
        Func<Alert, MailboxAddress, IEnumerable<MailboxAddress>, DateTimeOffset, MimeMessage> buildEmail)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Host);
        Name = name;
        _host = options.Host.Trim();
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _from = MailboxAddress.Parse(options.From ?? throw new ArgumentException("From is required.", nameof(options)));
        _to = [.. options.To.Select(MailboxAddress.Parse)];
        if (_to.Count == 0)
            throw new ArgumentException("At least one To address is required.", nameof(options));
        _security = MapSecurity(options.Security, options.Port, login: !string.IsNullOrEmpty(options.Username));
        _buildEmail = buildEmail;
    }

    public string Name { get; }

    private string Server => $"{_host}:{_options.Port}";

    /// <summary>auto is implicit TLS on port 465, where RFC 8314 TLS is the only thing the server speaks (a plain
    /// greeting would wait there until the timeout); elsewhere STARTTLS, required when we log in: an attacker
    /// on the path can strip STARTTLS from the server's answer, and "when available" would then send the
    /// password in clear. Without a login, STARTTLS when the server offers it. Only "none" logs in without TLS.</summary>
    public static SecureSocketOptions MapSecurity(string? security, int port, bool login) => security?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => port == 465 ? SecureSocketOptions.SslOnConnect
            : login ? SecureSocketOptions.StartTls
            : SecureSocketOptions.StartTlsWhenAvailable,
        "starttls" => SecureSocketOptions.StartTls,
        "tls" => SecureSocketOptions.SslOnConnect,
        "none" => SecureSocketOptions.None,
        _ => throw new ArgumentException($"Unknown SMTP security '{security}'; allowed: auto, starttls, tls, none.", nameof(security)),
    };

    /// <exception cref="OperationCanceledException">Only when <paramref name="cancellationToken"/> is cancelled
    /// (shutdown); the alert was not delivered and stays in the outbox.</exception>
    public Task<DeliveryOutcome> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return SendAsync(alert.DeliveryId, () => _buildEmail(alert, _from, _to, _timeProvider.GetUtcNow()),
            $"entry '{AlertText.OneLine(alert.EntryId)}' of feed {AlertText.OneLine(alert.Feed)}", cancellationToken);
    }

    public Task<DeliveryOutcome> SendDigestAsync(Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return SendAsync(digest.DeliveryId, () => AlertEmail.BuildDigest(digest, _from, _to, _timeProvider.GetUtcNow()),
            $"the digest of {digest.Alerts.Count} entries for rule {AlertText.OneLine(digest.Rule)}", cancellationToken);
    }

    /// <param name="what">Names what the message is of, for the error when it cannot be built in time.</param>
    private async Task<DeliveryOutcome> SendAsync(string deliveryId, Func<MimeMessage> build, string what, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();

        string? password = null;
        var username = _options.Username;
        if (!string.IsNullOrEmpty(username))
        {
            password = !string.IsNullOrEmpty(_options.Password) ? _options.Password
                : string.IsNullOrEmpty(_options.PasswordEnvironmentVariable) ? null
                : Environment.GetEnvironmentVariable(_options.PasswordEnvironmentVariable);
            if (string.IsNullOrEmpty(password))
                return DeliveryOutcome.Permanent(
                    $"SMTP {Server}: no password: environment variable '{_options.PasswordEnvironmentVariable}' is not set (Notifiers:{Name}:PasswordEnvironmentVariable)");
        }

        // The budget starts before the message is built, and the linked token caps the whole exchange after it
        // (MailKit's own Timeout covers each socket read/write), so neither an entry whose message is slow to
        // build nor a server that trickles one byte at a time can hold the dispatcher for long.
        using var timeout = new CancellationTokenSource(_options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        if (await MessageBuild.WithinAsync(build, linked.Token) is not { } message)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var outcome = DeliveryOutcome.Permanent(
                $"SMTP {Server}: {what}: its message took longer than {_options.Timeout.TotalSeconds:0.###} s to build (Notifiers:{Name}:Timeout); sent nothing");
            LogFailed(null, Name, deliveryId, Server, outcome.Status, outcome.Error);
            return outcome;
        }
        await _connection.WaitAsync(cancellationToken);
        try
        {
            for (var reconnected = false; ; reconnected = true)
            {
                var reused = _client is { IsConnected: true };
                try
                {
                    if (!reused)
                    {
                        Drop();
                        _client = new SmtpClient { Timeout = (int)Math.Clamp(_options.Timeout.TotalMilliseconds, 1, int.MaxValue) };
                        await _client.ConnectAsync(await ConnectSocketAsync(linked.Token), _host, _options.Port, _security, linked.Token);
                        if (username is not null && password is not null)
                            await _client.AuthenticateAsync(username, password, linked.Token);
                    }
                    await _client!.SendAsync(message, linked.Token);
                    _idleTimer?.Dispose();
                    _idleTimer = _timeProvider.CreateTimer(_ => CloseIdle(), null, IdleTimeout, Timeout.InfiniteTimeSpan);
                    LogSent(Name, deliveryId, Server, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    return DeliveryOutcome.Delivered;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    Drop();
                    throw;
                }
                catch (Exception exception) when (reused && !reconnected && exception is IOException or SmtpProtocolException or ServiceNotConnectedException or SocketException)
                {
                    // The server closed the kept connection while it idled; a fresh one decides.
                    Drop();
                }
                catch (Exception exception) when (Classify(exception) is { } outcome)
                {
                    Drop();
                    LogFailed(exception, Name, deliveryId, Server, outcome.Status, outcome.Error);
                    return outcome;
                }
            }
        }
        finally
        {
            _connection.Release();
        }
    }

    /// <summary>Our own socket, with Nagle off: a message goes out in several writes, and Nagle holding the
    /// last one until the server's delayed ACK cost 40 ms per alert on loopback.</summary>
    private async Task<Socket> ConnectSocketAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(_host, _options.Port, cancellationToken);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Says QUIT on a connection no send has used for <see cref="IdleTimeout"/>.</summary>
    private void CloseIdle()
    {
        if (!_connection.Wait(0)) return; // a send is using it and will schedule the next close
        try
        {
            Quit();
        }
        finally
        {
            _connection.Release();
        }
    }

    private void Quit()
    {
        try
        {
            if (_client is { IsConnected: true } client)
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                client.Disconnect(quit: true, quit.Token);
            }
        }
        catch (Exception exception) when (exception is IOException or SmtpProtocolException or OperationCanceledException or SocketException)
        {
            // The goodbye failed; the connection is gone either way.
        }
        Drop();
    }

    private void Drop()
    {
        _idleTimer?.Dispose();
        _idleTimer = null;
        _client?.Dispose();
        _client = null;
    }

    public void Dispose()
    {
        _connection.Wait();
        try
        {
            Quit();
        }
        finally
        {
            _connection.Release();
        }
    }

    private DeliveryOutcome? Classify(Exception exception) => exception switch
    {
        OperationCanceledException or TimeoutException =>
            DeliveryOutcome.Retry($"SMTP {Server}: no answer within {_options.Timeout.TotalSeconds:0.###} s (Notifiers:{Name}:Timeout)"),
        SocketException socket =>
            DeliveryOutcome.Retry($"SMTP {Server}: cannot connect: {socket.Message}"),
        SmtpCommandException command when (int)command.StatusCode is >= 400 and < 500 =>
            DeliveryOutcome.Retry($"SMTP {Server}: {Describe(command)}"),
        SmtpCommandException command =>
            DeliveryOutcome.Permanent($"SMTP {Server}: {Describe(command)}"),
        AuthenticationException auth =>
            DeliveryOutcome.Permanent($"SMTP {Server}: login as '{_options.Username}' refused: {auth.Message} (check Notifiers:{Name}:Username and {PasswordSource})"),
        SslHandshakeException tls =>
            DeliveryOutcome.Retry($"SMTP {Server}: TLS handshake failed: {FirstLine(tls.Message)}"),
        NotSupportedException when _security == SecureSocketOptions.StartTls && IsAuto && !string.IsNullOrEmpty(_options.Username) =>
            DeliveryOutcome.Permanent($"SMTP {Server} offers no STARTTLS; refusing to send the password in clear; use a server with TLS, or set Notifiers:{Name}:Security to none to allow it"),
        NotSupportedException unsupported =>
            DeliveryOutcome.Permanent($"SMTP {Server}: {unsupported.Message} (check Notifiers:{Name}:Security and Username)"),
        SmtpProtocolException or IOException or ServiceNotConnectedException =>
            DeliveryOutcome.Retry($"SMTP {Server}: connection failed: {FirstLine(exception.Message)}"),
        _ => null,
    };

    private bool IsAuto => _options.Security?.Trim().ToLowerInvariant() is null or "" or "auto";

    private string PasswordSource => !string.IsNullOrEmpty(_options.Password)
        ? $"Notifiers:{Name}:Password in user secrets or the environment"
        : $"the password in ${_options.PasswordEnvironmentVariable}";

    private static string Describe(SmtpCommandException command)
    {
        var what = command.ErrorCode switch
        {
            SmtpErrorCode.RecipientNotAccepted => $"recipient {command.Mailbox} refused",
            SmtpErrorCode.SenderNotAccepted => $"sender {command.Mailbox} refused",
            SmtpErrorCode.MessageNotAccepted => "message refused",
            _ => "command failed",
        };
        return $"{what}: {(int)command.StatusCode} {FirstLine(command.Message)}";
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    [LoggerMessage(Level = LogLevel.Debug, Message = "Notifier {Notifier} sent delivery {DeliveryId} through {SmtpServer} in {ElapsedMs} ms")]
    partial void LogSent(string notifier, string deliveryId, string smtpServer, double elapsedMs);

    // Debug, not Warning: the dispatcher logs every outcome once; this line adds the exception for digging.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Notifier {Notifier} could not send delivery {DeliveryId} through {SmtpServer}: {Status} {Error}")]
    partial void LogFailed(Exception? exception, string notifier, string deliveryId, string smtpServer, DeliveryStatus status, string? error);
}
