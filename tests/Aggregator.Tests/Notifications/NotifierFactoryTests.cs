using Microsoft.Extensions.Configuration;
using Aggregator.Notifications;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aggregator.Tests.Notifications;

public sealed class NotifierFactoryTests
{
    private static NotifierOptions Smtp() => new()
    {
        Type = "smtp",
        Host = "mail.example.org",
        Port = 587,
        From = "alerts@example.org",
        To = ["ops@example.org"],
    };

    private static NotifierOptions Webhook() => new() { Type = "webhook", Url = "https://hooks.example.org/in" };

    [Fact]
    public void QuietHoursAndTimeZoneOfANotifierAreCheckedEachInOneSentence()
    {
        Assert.Empty(NotifierFactory.Validate("ops", new NotifierOptions { Type = "console", QuietHours = "22:00-07:00", TimeZone = "Europe/London" }));
        var errors = NotifierFactory.Validate("ops", new NotifierOptions { Type = "console", QuietHours = "night", TimeZone = "Mars/Olympus" });
        Assert.Equal(
        [
            "Notifiers:ops:QuietHours 'night' is not a range of local times like \"22:00-07:00\" (HH:mm-HH:mm, start and end different)",
            "Notifiers:ops:TimeZone 'Mars/Olympus' is not a time zone known here; write an IANA time zone name like \"Europe/London\" or \"America/New_York\"",
        ], errors);
    }

    [Fact]
    public void ValidSmtpWebhookAndConsoleOptionsHaveNoErrors()
    {
        Assert.Empty(NotifierFactory.Validate("mail", Smtp()));
        Assert.Empty(NotifierFactory.Validate("ops", Webhook()));
        Assert.Empty(NotifierFactory.Validate("console", new NotifierOptions { Type = "Console" }));
    }

    [Fact]
    public void AWebhookWithoutAUrlIsReportedByItsKey() =>
        Assert.Equal(["Notifiers:ops:Url is missing; a webhook needs an absolute http(s) URL"],
            NotifierFactory.Validate("ops", new NotifierOptions { Type = "webhook" }));

    [Fact]
    public void AWebhookUrlMustBeAbsoluteHttpAndTheFormatKnown()
    {
        var errors = NotifierFactory.Validate("ops", new NotifierOptions { Type = "webhook", Url = "ftp://x/y", Format = "irc" });

        Assert.Equal(
            [
                "Notifiers:ops:Url 'ftp://x/y' is not an absolute http(s) URL",
                "Notifiers:ops:Format 'irc' is unknown; allowed values: generic, slack, discord, teams, ntfy",
            ],
            errors);
    }

    [Fact]
    public void AnUnknownTypeListsTheAllowedOnes() =>
        Assert.Equal(["Notifiers:x:Type 'pager' is unknown; allowed values: smtp, webhook, console"],
            NotifierFactory.Validate("x", new NotifierOptions { Type = "pager" }));

    [Fact]
    public void AnSmtpNotifierNeedsHostFromAndRecipientsAndReportsEveryProblem()
    {
        var errors = NotifierFactory.Validate("mail", new NotifierOptions
        {
            Type = "smtp",
            Port = 0,
            Security = "ssl",
            To = ["ops@example.org", "not an address"],
            Timeout = TimeSpan.Zero,
        });

        Assert.Equal(
            [
                "Notifiers:mail:Timeout is 00:00:00; it must be positive and at most 10 minutes, e.g. \"30s\" or \"00:00:30\"",
                "Notifiers:mail:Host is missing; an smtp notifier needs the relay's host name",
                "Notifiers:mail:Port 0 is out of range; use 1-65535 (usually 25, 465 or 587)",
                "Notifiers:mail:Security 'ssl' is unknown; allowed values: auto, starttls, tls, none",
                "Notifiers:mail:From is missing; an smtp notifier needs a sender address",
                "Notifiers:mail:To:1 'not an address' is not an email address",
            ],
            errors);
    }

    [Fact]
    public void AnSmtpNotifierWithoutRecipientsIsReported()
    {
        var options = Smtp();
        options.To = [];

        Assert.Equal(["Notifiers:mail:To is missing; an smtp notifier needs at least one recipient address"],
            NotifierFactory.Validate("mail", options));
    }

    [Fact]
    public void AnSmtpLoginNeedsAPasswordVariableThatIsSet()
    {
        var withoutVariable = Smtp();
        withoutVariable.Username = "alerts";
        var unsetVariable = Smtp();
        unsetVariable.Username = "alerts";
        unsetVariable.PasswordEnvironmentVariable = "AGGREGATOR_TEST_UNSET_" + Guid.NewGuid().ToString("N");

        Assert.Equal(["Notifiers:mail:PasswordEnvironmentVariable is missing; Username is set, so name the environment variable that holds the password (or set Notifiers:mail:Password in user secrets)"],
            NotifierFactory.Validate("mail", withoutVariable));
        Assert.Equal([$"Notifiers:mail:PasswordEnvironmentVariable names '{unsetVariable.PasswordEnvironmentVariable}', which is not set in the environment"],
            NotifierFactory.Validate("mail", unsetVariable));
    }

    [Fact]
    public void AllNotifiersAreCheckedTogether()
    {
        var errors = NotifierFactory.Validate(new Dictionary<string, NotifierOptions>
        {
            ["ops"] = new() { Type = "webhook" },
            ["mail"] = Smtp(),
            ["bad"] = new() { Type = "" },
        });

        Assert.Equal(
            [
                "Notifiers:bad:Type is missing; allowed values: smtp, webhook, console",
                "Notifiers:ops:Url is missing; a webhook needs an absolute http(s) URL",
            ],
            errors);
    }

    [Fact]
    public void TheFactoryBuildsTheNotifierForEachTypeUnderItsName()
    {
        using var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        var factory = new NotifierFactory(services.GetRequiredService<IHttpClientFactory>(), TimeProvider.System, NullLoggerFactory.Instance);

        Assert.Equal("mail", Assert.IsType<SmtpNotifier>(factory.Create("mail", Smtp())).Name);
        Assert.Equal("ops", Assert.IsType<WebhookNotifier>(factory.Create("ops", Webhook())).Name);
        Assert.Equal("console", Assert.IsType<ConsoleNotifier>(factory.Create("console", new NotifierOptions { Type = "console" })).Name);
        Assert.Throws<ArgumentException>(() => factory.Create("ops", new NotifierOptions { Type = "webhook" }));
    }

    [Fact]
    public void AddNotificationsBuildsTheConfiguredNotifiersByNameAndAConsoleOneWhenNoneAreConfigured()
    {
        var configured = new Microsoft.Extensions.Configuration.ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Notifiers:ops:Type"] = "webhook",
            ["Notifiers:ops:Url"] = "http://127.0.0.1:9/hook",
        }).Build();
        using var provider = new ServiceCollection().AddLogging().AddNotifications(configured).BuildServiceProvider();
        Assert.IsType<WebhookNotifier>(provider.GetRequiredService<NotifierRegistry>().Find("OPS"));

        var empty = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        using var fallback = new ServiceCollection().AddLogging().AddNotifications(empty).BuildServiceProvider();
        var registry = fallback.GetRequiredService<NotifierRegistry>();
        Assert.Equal(["console"], registry.Names);
        Assert.IsType<ConsoleNotifier>(registry.Find("console"));
    }
}
