namespace Aggregator.Cli;

/// <summary>What `aggregator init` writes: a commented appsettings.json and a config/ that pass the start-up checks as they
/// are (a test runs `status` on them). The .NET JSON configuration, and our config/ reader, allow // comments.</summary>
internal static class StarterFiles
{
    public const string AppSettings = """
        // Aggregator settings. Every key is optional: what is written here is the default unless it says otherwise.
        // Durations are written "90s", "15m", "2h", "1d" or "00:15:00". Reference: README.md, "Configuration".
        // Environment variables override any key: Aggregator__Polling__Interval=5m, Notifiers__email__Host=...
        {
          "Aggregator": {
            // The SQLite database, created on first start; relative paths are relative to this folder.
            "Database": "data/aggregator.db",
            // The folder holding feeds.json and rules.json (edit them, or use `aggregator feeds add|remove|import`).
            "ConfigDirectory": "config",
            "Polling": {
              // How often each feed is polled, unless feeds.json gives it an "interval".
              "Interval": "15m",
              // How often the service looks for feeds that are due.
              "Tick": "30s"
            },
            // Not a default: deletes entries no rule matched after 90 days, matched ones after a year (never one whose
            // alert is still waiting to go out). The service does it once a day; `aggregator vacuum` does it now.
            // Remove this block to keep everything.
            "Retention": {
              "KeepEntries": "90d",
              "KeepMatched": "365d"
            },
            // An HTTP endpoint for monitoring: /healthz (JSON) and /metrics (Prometheus). Off unless enabled.
            // Notify: notifiers told when the monitor is blind (a feed failing, gone or silent; a notifier down), e.g. ["email"].
            "Health": {
              "Enabled": false,
              "Url": "http://127.0.0.1:9464",
              "Notify": []
            },
            // "simple" (one line per event) or "json" (one JSON object per line, for log shippers).
            "LogFormat": "simple"
          },
          // Where alerts go; rules name these in "notify", and a rule without "notify" alerts every one of them.
          "Notifiers": {
            "console": { "Type": "console" }
            // Email: uncomment (with the comma), fill in, and put the password in the environment variable named here.
            // , "email": { "Type": "smtp", "Host": "smtp.example.org", "Port": 587, "Security": "starttls",
            //              "Username": "alerts", "PasswordEnvironmentVariable": "AGGREGATOR_SMTP_PASSWORD",
            //              "From": "aggregator@example.org", "To": ["analyst@example.org"] }
            // A webhook: our JSON body, signed with Secret (or "Format": "slack", "discord", "teams", "ntfy").
            // , "ops": { "Type": "webhook", "Url": "https://hooks.example.org/aggregator", "Secret": "change-me" }
          },
          "Logging": {
            "LogLevel": { "Default": "Information", "Microsoft": "Warning", "System.Net.Http.HttpClient": "Warning", "Quartz": "Warning" }
          }
        }

        """;

    public const string Feeds = """
        // The feeds to follow: "name" (unique) and "url" are required; "interval" and "tags" are optional.
        // `aggregator feeds add URL` adds one (a site's address is enough), `feeds import FILE.opml` brings a reader's list.
        {
          "feeds": [
            { "name": "BBC World", "url": "https://feeds.bbci.co.uk/news/world/rss.xml", "tags": ["news"] },
            { "name": "Al Jazeera", "url": "https://www.aljazeera.com/xml/rss/all.xml", "tags": ["news", "middle-east"] },
            { "name": "Guardian World", "url": "https://www.theguardian.com/world/rss", "tags": ["news"] },
            { "name": "UN News", "url": "https://news.un.org/feed/subscribe/en/news/all/rss.xml", "interval": "30m", "tags": ["un"] }
          ]
        }

        """;

    public const string Rules = """
        // Keyword rules: an entry that matches "query" is alerted once to the rule's notifiers (all of them without
        // "notify"). Try a query on what is stored with `aggregator rules test "QUERY"`. Syntax: docs/rules.md.
        {
          "rules": [
            { "name": "middle-east-russia", "query": "(Hezbollah OR Iran OR Syria) AND Russia", "notify": ["console"] }
          ]
        }

        """;
}
