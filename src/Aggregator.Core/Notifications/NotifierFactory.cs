using Microsoft.Extensions.Logging;
using MimeKit;

namespace Aggregator.Notifications;

/// <summary>The one place that turns a (name, NotifierOptions) pair from "Notifiers" into an
/// <see cref="INotifier"/>, and that checks those options at start-up.</summary>
/// <param name="consoleOutput">Where console notifiers write; standard output when null.</param>
public sealed class NotifierFactory(
    IHttpClientFactory httpClientFactory,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    TextWriter? consoleOutput = null)
{
    /// <summary>Named HttpClient the webhook notifiers use, registered by AddNotifications with redirects off;
    /// configure it further with AddHttpClient(HttpClientName) (a proxy). Leave its Timeout above every
    /// notifier's Timeout, and redirects off.</summary>
    public const string HttpClientName = "Aggregator.Notifications.Webhook";

    /// <summary>The notifier used when "Notifiers" is empty.</summary>
    public const string DefaultNotifierName = "console";

    public static readonly IReadOnlyList<string> Types = ["smtp", "webhook", "console"];
    public static readonly IReadOnlyList<string> SmtpSecurityValues = ["auto", "starttls", "tls", "none"];

    /// <summary>Longest Timeout a notifier may have: one delivery waits at most this long before the next is tried.</summary>
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

    /// <summary>Builds the notifier. The <see cref="NotifierRegistry"/> builds each configured one once, the first time
    /// a delivery needs it; a webhook notifier keeps the HttpClient it takes from the factory here, and an SMTP
    /// notifier its kept connection.</summary>
    /// <exception cref="ArgumentException">The options fail <see cref="Validate(string, NotifierOptions, bool)"/>; a bug, as start-up checks them.</exception>
    public INotifier Create(string name, NotifierOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        var errors = Validate(name, options);
        if (errors.Count > 0)
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        return Normalize(options.Type) switch
        {
            "smtp" => new SmtpNotifier(name, options, timeProvider, loggerFactory.CreateLogger<SmtpNotifier>()),
            "webhook" => new WebhookNotifier(name, options, httpClientFactory.CreateClient(HttpClientName), timeProvider,
                loggerFactory.CreateLogger<WebhookNotifier>()),
            _ => new ConsoleNotifier(name, consoleOutput),
        };
    }

    /// <summary>Every problem with every notifier, each naming its configuration key.</summary>
    public static IReadOnlyList<string> Validate(IReadOnlyDictionary<string, NotifierOptions> notifiers, bool checkSecrets = true)
    {
        ArgumentNullException.ThrowIfNull(notifiers);
        return [.. notifiers.OrderBy(pair => pair.Key, StringComparer.Ordinal).SelectMany(pair => Validate(pair.Key, pair.Value, checkSecrets))];
    }

    /// <summary>Every problem with one notifier's options, each naming its key and the fix, e.g.
    /// "Notifiers:ops:Url is missing; a webhook needs an absolute http(s) URL". Empty when fine.
    /// Reads the environment for the SMTP password variable, so a missing secret shows at start-up
    /// rather than at the first match.</summary>
    /// <param name="checkSecrets">Whether the password variable must be set now (a command that sends); a command that
    /// only reads the database runs without it.</param>
    public static IReadOnlyList<string> Validate(string name, NotifierOptions options, bool checkSecrets = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        var key = $"Notifiers:{name}";
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(name))
            errors.Add("Notifiers has an entry with an empty name");

        var type = Normalize(options.Type);
        if (type.Length == 0)
        {
            errors.Add($"{key}:Type is missing; allowed values: {string.Join(", ", Types)}");
            return errors;
        }
        if (!Types.Contains(type))
        {
            errors.Add($"{key}:Type '{options.Type}' is unknown; allowed values: {string.Join(", ", Types)}");
            return errors;
        }
        if (type != "console" && (options.Timeout <= TimeSpan.Zero || options.Timeout > MaxTimeout))
            errors.Add($"{key}:Timeout is {options.Timeout}; it must be positive and at most 10 minutes, e.g. \"30s\" or \"00:00:30\"");

        if (options.QuietHours is not null && !Rules.QuietHours.TryParse(options.QuietHours, out _))
            errors.Add($"{key}:QuietHours '{options.QuietHours}' is not {Rules.QuietHours.Hint}");
        if (options.TimeZone is not null && Rules.LocalClock.FindZone(options.TimeZone) is null)
            errors.Add($"{key}:TimeZone '{options.TimeZone}' is not a time zone known here; write {Rules.LocalClock.ZoneHint}");

        if (type == "smtp")
            ValidateSmtp(key, options, errors, checkSecrets);
        else if (type == "webhook")
            ValidateWebhook(key, options, errors);
        return errors;
    }

    private static void ValidateSmtp(string key, NotifierOptions options, List<string> errors, bool checkSecrets)
    {
        if (string.IsNullOrWhiteSpace(options.Host))
            errors.Add($"{key}:Host is missing; an smtp notifier needs the relay's host name");
        if (options.Port is < 1 or > 65535)
            errors.Add($"{key}:Port {options.Port} is out of range; use 1-65535 (usually 25, 465 or 587)");
        if (!SmtpSecurityValues.Contains(Normalize(options.Security)))
            errors.Add($"{key}:Security '{options.Security}' is unknown; allowed values: {string.Join(", ", SmtpSecurityValues)}");

        if (string.IsNullOrWhiteSpace(options.From))
            errors.Add($"{key}:From is missing; an smtp notifier needs a sender address");
        else if (!IsMailbox(options.From))
            errors.Add($"{key}:From '{options.From}' is not an email address");

        if (options.To.Count == 0)
            errors.Add($"{key}:To is missing; an smtp notifier needs at least one recipient address");
        for (var i = 0; i < options.To.Count; i++)
            if (!IsMailbox(options.To[i]))
                errors.Add($"{key}:To:{i} '{options.To[i]}' is not an email address");

        var hasUser = !string.IsNullOrWhiteSpace(options.Username);
        var hasVariable = !string.IsNullOrWhiteSpace(options.PasswordEnvironmentVariable);
        var hasPassword = !string.IsNullOrEmpty(options.Password);
        if (hasUser && !hasVariable && !hasPassword)
            errors.Add($"{key}:PasswordEnvironmentVariable is missing; Username is set, so name the environment variable that holds the password (or set {key}:Password in user secrets)");
        else if (!hasUser && (hasVariable || hasPassword))
            errors.Add($"{key}:Username is missing; a password is set, so SMTP login needs a user name too");
        else if (checkSecrets && hasUser && !hasPassword && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(options.PasswordEnvironmentVariable!)))
            errors.Add($"{key}:PasswordEnvironmentVariable names '{options.PasswordEnvironmentVariable}', which is not set in the environment");
    }

    private static void ValidateWebhook(string key, NotifierOptions options, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.Url))
            errors.Add($"{key}:Url is missing; a webhook needs an absolute http(s) URL");
        else if (!Uri.TryCreate(options.Url.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            errors.Add($"{key}:Url '{options.Url}' is not an absolute http(s) URL");
        var format = string.IsNullOrWhiteSpace(options.Format) ? "generic" : Normalize(options.Format);
        if (!WebhookBody.Formats.Contains(format))
            errors.Add($"{key}:Format '{options.Format}' is unknown; allowed values: {string.Join(", ", WebhookBody.Formats)}");
    }

    private static bool IsMailbox(string? address) =>
        !string.IsNullOrWhiteSpace(address) && MailboxAddress.TryParse(address, out var mailbox) && mailbox.Address.Contains('@');

    private static string Normalize(string? value) => value?.Trim().ToLowerInvariant() ?? "";
}
