using System.Net.Sockets;
using Aggregator.Configuration;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Aggregator.Notifications;

/// <summary>Sends an alert as an email through an SMTP server (MailKit). Connects per message: alerts are
/// rare enough that a kept-open connection would mostly be a connection to re-establish after it timed out.</summary>
public sealed class SmtpNotifier(string name, NotifierOptions options) : INotifier
{
    public string Name { get; } = name;

    public async Task<DeliveryOutcome> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var server = $"{options.Host}:{options.Port}";
        using var client = new SmtpClient { Timeout = (int)options.Timeout.TotalMilliseconds };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        try
        {
            await client.ConnectAsync(options.Host!, options.Port, Security(options.Security), deadline.Token);
            if (!string.IsNullOrEmpty(options.Username))
            {
                var password = options.PasswordEnvironmentVariable is { } variable ? Environment.GetEnvironmentVariable(variable) : null;
                await client.AuthenticateAsync(options.Username, password ?? "", deadline.Token);
            }
            await client.SendAsync(AlertEmail.Build(alert, options), deadline.Token);
            await client.DisconnectAsync(quit: true, CancellationToken.None);
            return DeliveryOutcome.Delivered;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return DeliveryOutcome.Retry($"SMTP server {server} did not answer within {options.Timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException ex)
        {
            return DeliveryOutcome.Retry($"cannot connect to SMTP server {server}: {ex.Message}");
        }
        catch (AuthenticationException ex)
        {
            return DeliveryOutcome.Permanent($"SMTP server {server} refused the login for '{options.Username}': {ex.Message}; check Username and the password in ${options.PasswordEnvironmentVariable}");
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            var who = ex.Mailbox is not null ? $" for {ex.Mailbox.Address}" : "";
            return DeliveryOutcome.Permanent($"SMTP server {server} rejected the message{who}: {(int)ex.StatusCode} {ex.Message}");
        }
        catch (SmtpCommandException ex)
        {
            return DeliveryOutcome.Retry($"SMTP server {server} deferred the message: {(int)ex.StatusCode} {ex.Message}");
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SslHandshakeException or ServiceNotConnectedException or TimeoutException)
        {
            return DeliveryOutcome.Retry($"SMTP conversation with {server} failed: {ex.Message}");
        }
    }

    private static SecureSocketOptions Security(string security) => security.ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "tls" or "ssl" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}
