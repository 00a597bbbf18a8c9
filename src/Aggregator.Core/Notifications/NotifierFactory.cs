using Aggregator.Configuration;

namespace Aggregator.Notifications;

/// <summary>Checks and builds the notifiers named under "Notifiers" in appsettings.json.</summary>
public static class NotifierFactory
{
    public const string Smtp = "smtp";
    public const string Webhook = "webhook";
    public const string Console = "console";

    private static readonly string[] Securities = ["auto", "starttls", "tls", "ssl", "none"];

    /// <summary>Every problem with one notifier, each naming its settings key and the fix.</summary>
    public static IReadOnlyList<string> Validate(string name, NotifierOptions options)
    {
        var key = $"Notifiers:{name}";
        var errors = new List<string>();
        switch (options.Type.ToLowerInvariant())
        {
            case Smtp:
                if (string.IsNullOrWhiteSpace(options.Host)) errors.Add($"{key}:Host is missing; an smtp notifier needs the SMTP server's host name");
                if (options.Port is < 1 or > 65535) errors.Add($"{key}:Port must be 1-65535, got {options.Port}");
                if (!Securities.Contains(options.Security.ToLowerInvariant()))
                    errors.Add($"{key}:Security must be one of {string.Join(", ", Securities)}, got \"{options.Security}\"");
                if (!IsAddress(options.From)) errors.Add($"{key}:From must be an email address, got \"{options.From}\"");
                if (options.To.Count == 0) errors.Add($"{key}:To is empty; list at least one recipient, like [\"analyst@example.org\"]");
                errors.AddRange(options.To.Where(to => !IsAddress(to)).Select(to => $"{key}:To has \"{to}\", which is not an email address"));
                if (!string.IsNullOrEmpty(options.Username) && string.IsNullOrEmpty(options.PasswordEnvironmentVariable))
                    errors.Add($"{key}:PasswordEnvironmentVariable is missing; name the environment variable that holds the password for {options.Username}");
                break;
            case Webhook:
                if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                    errors.Add($"{key}:Url must be an absolute http(s) URL, got \"{options.Url}\"");
                if (!string.Equals(options.Format, "generic", StringComparison.OrdinalIgnoreCase))
                    errors.Add($"{key}:Format \"{options.Format}\" is not supported; use \"generic\"");
                break;
            case Console:
                break;
            default:
                errors.Add($"{key}:Type must be smtp, webhook or console, got \"{options.Type}\"");
                break;
        }
        if (options.Timeout <= TimeSpan.Zero) errors.Add($"{key}:Timeout must be positive, like \"00:00:30\"");
        return errors;
    }

    /// <summary>Builds a notifier that <see cref="Validate"/> accepted.</summary>
    public static INotifier Create(string name, NotifierOptions options, Func<HttpClient> webhookClient, TimeProvider time, TextWriter console) =>
        options.Type.ToLowerInvariant() switch
        {
            Smtp => new SmtpNotifier(name, options),
            Webhook => new WebhookNotifier(name, options, webhookClient(), time),
            Console => new ConsoleNotifier(name, console),
            _ => throw new InvalidOperationException($"Notifiers:{name}:Type \"{options.Type}\" was not validated"),
        };

    private static bool IsAddress(string? text) => !string.IsNullOrWhiteSpace(text) && MimeKit.MailboxAddress.TryParse(text, out var address) && address.Address.Contains('@');
}
