namespace Aggregator.Notifications;

/// <summary>One entry under "Notifiers" in appsettings.json. Which fields apply depends on Type.</summary>
public sealed class NotifierOptions
{
    /// <summary>smtp, webhook or console.</summary>
    public string Type { get; set; } = "";

    // smtp
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    /// <summary>auto (STARTTLS when offered), starttls, tls (implicit), none.</summary>
    public string Security { get; set; } = "auto";
    public string? Username { get; set; }
    /// <summary>Name of the environment variable holding the SMTP password; never the password itself.</summary>
    public string? PasswordEnvironmentVariable { get; set; }
    /// <summary>The SMTP password itself, for sources outside the repository only: user secrets
    /// (`dotnet user-secrets set Notifiers:NAME:Password ...`) or the environment (`Notifiers__NAME__Password`).</summary>
    public string? Password { get; set; }
    public string? From { get; set; }
    public List<string> To { get; set; } = [];

    // webhook
    public string? Url { get; set; }
    /// <summary>HMAC-SHA256 key for X-Aggregator-Signature; no signature when empty.</summary>
    public string? Secret { get; set; }
    /// <summary>generic (our documented JSON body), slack, discord, teams or ntfy (docs/notifications.md).</summary>
    public string Format { get; set; } = "generic";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>"22:00-07:00": local hours in which this notifier's alerts are held, to go out as one digest when they
    /// end; a rule's "quietHours" wins over it. None when unset.</summary>
    public string? QuietHours { get; set; }

    /// <summary>IANA zone ("Europe/London") of QuietHours and of local digest schedules for rules without "timeZone";
    /// the machine's zone when unset.</summary>
    public string? TimeZone { get; set; }
}
