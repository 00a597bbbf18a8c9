using Aggregator.Notifications;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Tests.Notifications;

/// <summary>SMTP login against an aiosmtpd that requires AUTH; the password only ever comes from the
/// environment variable named in the options.</summary>
[Trait("Category", "EndToEnd")] // aiosmtpd
public sealed class SmtpAuthenticationTests : IAsyncLifetime
{
    // One variable per test class run, so parallel test classes never see each other's value.
    private readonly string _variable = "AGGREGATOR_TEST_SMTP_PASSWORD_" + Guid.NewGuid().ToString("N");
    private SmtpServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await SmtpServer.StartAsync("alerts", "s3cret");

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        await _server.DisposeAsync();
    }

    private NotifierOptions Options()
    {
        var options = _server.NotifierOptions();
        options.Username = "alerts";
        options.PasswordEnvironmentVariable = _variable;
        return options;
    }

    private static SmtpNotifier Notifier(NotifierOptions options) =>
        new("mail", options, TimeProvider.System, NullLogger<SmtpNotifier>.Instance);

    [Fact]
    public async Task TheNotifierLogsInWithThePasswordFromTheEnvironment()
    {
        Environment.SetEnvironmentVariable(_variable, "s3cret");

        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryOutcome.Delivered, outcome);
        Assert.Single(await _server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task WithALoginSecurityAutoRefusesAServerWithoutStartTlsAndNoAuthCommandIsSent()
    {
        Environment.SetEnvironmentVariable(_variable, "s3cret");
        var options = Options();
        options.Security = "auto";
        var alert = AlertSamples.Typical() with { Notifier = "mail" };
        using var queued = await QueuedAlerts.CreateAsync(alert.MatchedAt, alert);
        using var notifiers = Registry.Of(Notifier(options));

        var report = await queued.DeliverAsync(notifiers, TimeProvider.System, Ct);

        Assert.Equal(1, report.Dead);
        var row = await queued.RowAsync(alert.DeliveryId);
        Assert.Equal("dead", row.Status);
        Assert.Equal($"SMTP {_server.Host}:{_server.Port} offers no STARTTLS; refusing to send the password in clear; " +
            "use a server with TLS, or set Notifiers:mail:Security to none to allow it", row.LastError);
        Assert.Empty(_server.AuthCommands);
        Assert.Empty(_server.Messages);
    }

    [Fact]
    public async Task WithSecurityNoneTheNotifierLogsInOverPlainText()
    {
        Environment.SetEnvironmentVariable(_variable, "s3cret");
        var options = Options();
        options.Security = "none";
        var alert = AlertSamples.Typical() with { Notifier = "mail" };
        using var queued = await QueuedAlerts.CreateAsync(alert.MatchedAt, alert);
        using var notifiers = Registry.Of(Notifier(options));

        var report = await queued.DeliverAsync(notifiers, TimeProvider.System, Ct);

        Assert.Equal(1, report.Delivered);
        Assert.Single(await _server.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10)));
        Assert.Single(_server.AuthCommands);
    }

    [Fact]
    public void WithoutALoginSecurityAutoStaysOpportunistic()
    {
        Assert.Equal(MailKit.Security.SecureSocketOptions.StartTlsWhenAvailable, SmtpNotifier.MapSecurity("auto", 25, login: false));
        Assert.Equal(MailKit.Security.SecureSocketOptions.StartTls, SmtpNotifier.MapSecurity("auto", 587, login: true));
        Assert.Equal(MailKit.Security.SecureSocketOptions.SslOnConnect, SmtpNotifier.MapSecurity("auto", 465, login: true));
        Assert.Equal(MailKit.Security.SecureSocketOptions.None, SmtpNotifier.MapSecurity("none", 25, login: true));
    }

    [Fact]
    public async Task ThePasswordCanBeASettingFromUserSecretsOrTheEnvironment()
    {
        var options = Options();
        options.PasswordEnvironmentVariable = null;
        options.Password = "s3cret";

        Assert.Empty(NotifierFactory.Validate("mail", options));
        Assert.Equal(DeliveryOutcome.Delivered, await Notifier(options).SendAsync(AlertSamples.Typical(), Ct));

        options.Password = "wrong-password";
        var refused = await Notifier(options).SendAsync(AlertSamples.Typical(), Ct);
        Assert.Contains("Notifiers:mail:Password in user secrets", refused.Error);
        Assert.DoesNotContain("wrong-password", refused.Error);
    }

    [Fact]
    public async Task AWrongPasswordFailsPermanentlyWithoutShowingThePassword()
    {
        Environment.SetEnvironmentVariable(_variable, "wrong-password");

        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.True(outcome.Status == DeliveryStatus.Permanent, outcome.Error);
        Assert.Contains("login as 'alerts' refused", outcome.Error);
        Assert.DoesNotContain("wrong-password", outcome.Error);
    }

    [Fact]
    public async Task AnUnsetPasswordVariableFailsPermanentlyNamingTheVariable()
    {
        var outcome = await Notifier(Options()).SendAsync(AlertSamples.Typical(), Ct);

        Assert.Equal(DeliveryStatus.Permanent, outcome.Status);
        Assert.Contains(_variable, outcome.Error);
    }
}
