using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Fetching;
using Aggregator.Health;
using Aggregator.Notifications;
using Aggregator.Refreshing;
using Aggregator.Scheduling;
using Aggregator.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Aggregator.Cli;

/// <summary>Builds the host every command runs in, and gets the database and config ready.</summary>
internal static partial class AppHost
{
    public static readonly Option<string?> ContentRoot = new("--contentRoot")
    {
        Description = "Folder holding appsettings.json and config/ (default: the current directory)",
        Recursive = true,
    };

    public static readonly Option<string?> LogFormat = new("--log-format")
    {
        Description = "Log lines as 'simple' text or 'json' objects, one per line on stderr (default: Aggregator:LogFormat, else simple)",
        Recursive = true,
    };

    /// <param name="service">True for `run`: the scheduler, Information logs, systemd integration.</param>
    public static IHost Build(ParseResult parse, bool service = false)
    {
        var root = parse.GetValue(ContentRoot);
        return Build(root is null ? Directory.GetCurrentDirectory() : Path.GetFullPath(root), service, logFormat: parse.GetValue(LogFormat));
    }

    /// <summary>The application as every command composes it, on the content root given (appsettings.json, config/, data/).</summary>
    /// <param name="time">The clock; the system's unless given (the tests' in-process host passes a fake one).</param>
    /// <param name="configureServices">Runs after every other registration, so what it registers wins (tests only).</param>
    /// <param name="logFormat">--log-format, which wins over Aggregator:LogFormat.</param>
    internal static IHost Build(string contentRoot, bool service, TimeProvider? time = null, Action<IServiceCollection>? configureServices = null,
        string? logFormat = null)
    {
        // No reload of appsettings.json on change: nothing here reads settings twice (ConfigWatcher reloads feeds.json and
        // rules.json itself), and the host's watcher covers the whole content root, database included, so that every
        // write to data/aggregator.db woke it: 92,000 inotify events and lstat calls in a 1,000-feed first poll.
        var settings = new ConfigurationManager();
        settings.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = contentRoot,
            Configuration = settings,
        });
        if (time is not null) builder.Services.AddSingleton(time);

        AddUserSecrets(builder);
        Duration.AcceptInSettings();

        builder.Logging.ClearProviders();
        // Logs go to stderr so that stdout stays clean for the commands' output (--json, pipes).
        var json = (logFormat ?? builder.Configuration[$"{LogOptions.Section}:LogFormat"]) == LogOptions.Json;
        if (json)
        {
            // One JSON object per line with the message template's fields (FeedName, Status, Bytes, ElapsedMs...).
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";
                o.JsonWriterOptions = new System.Text.Json.JsonWriterOptions { Indented = false };
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss'Z' "; o.UseUtcTimestamp = true; });
        }
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (!service)
        {
            builder.Logging.AddFilter("Aggregator", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning);
            // `poll` prints each feed's outcome itself, one line per feed; the refresher's warning would say it twice.
            builder.Logging.AddFilter("Aggregator.Refreshing.FeedRefresher", LogLevel.Error);
        }
        builder.Logging.AddFilter("Quartz", LogLevel.Warning).AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.Services.AddAggregatorConfiguration();
        builder.Services.AddStorage();
        builder.Services.AddFetching();
        builder.Services.AddRefreshing();
        builder.Services.AddNotifications(builder.Configuration);
        builder.Services.AddOptions<LogOptions>().BindConfiguration(LogOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<LogOptions>, ValidateLogOptions>();
        builder.Services.AddHealthOptions();
        if (service)
        {
            builder.Services.AddScheduling(builder.Configuration);
            builder.Services.AddHostedService<ConfigWatcher>();
            if (builder.Configuration.GetValue<bool>($"{HealthOptions.Section}:Enabled")) builder.Services.AddHealthServer();
            // Under systemd: readiness and stopping notifications, journald's log format; as a Windows service: the
            // service control manager's start and stop. Each does nothing elsewhere.
            builder.Services.AddSystemd();
            builder.Services.AddWindowsService(o => o.ServiceName = "Aggregator");
            // AddSystemd puts its own formatter on the console under systemd; JSON asked for is JSON there too.
            if (json) builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.FormatterName = "json");
        }
        configureServices?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>`dotnet user-secrets --id aggregator` (or `--project src/Aggregator`) stores settings outside the
    /// repository, for the SMTP password. Read in every environment, not only Development as the host does, and
    /// placed before the environment variables so that those still win.</summary>
    public const string UserSecretsId = "aggregator";

    private static void AddUserSecrets(HostApplicationBuilder builder)
    {
        if (builder.Environment.IsDevelopment()) return; // the host has added them already
        var sources = builder.Configuration.Sources;
        var environment = sources.Select((source, index) => (source, index))
            .FirstOrDefault(s => s.source is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource).index;
        var secrets = new ConfigurationBuilder().AddUserSecrets(UserSecretsId, reloadOnChange: false).Sources[0];
        sources.Insert(environment > 0 ? environment : sources.Count, secrets);
    }

    /// <summary>Every options class and the section of appsettings.json it binds: what the unknown-key check knows.</summary>
    private static readonly (string Section, Type Options)[] Settings =
    [
        (StorageOptions.Section, typeof(StorageOptions)),
        (StorageProviderOptions.Section, typeof(StorageProviderOptions)),
        (ClusterOptions.Section, typeof(ClusterOptions)),
        (ConfigOptions.Section, typeof(ConfigOptions)),
        (FetchOptions.Section, typeof(FetchOptions)),
        (PollingOptions.Section, typeof(PollingOptions)),
        (DeliveryOptions.Section, typeof(DeliveryOptions)),
        (RetentionOptions.Section, typeof(RetentionOptions)),
        (HealthOptions.Section, typeof(HealthOptions)),
        (HealthAlertOptions.Section, typeof(HealthAlertOptions)),
        (LogOptions.Section, typeof(LogOptions)),
    ];

    /// <summary>Runs a command's body in a host that is ready (settings checked, database migrated, feeds synced), and
    /// turns what can go wrong around it into one message and an exit code, never a stack trace.</summary>
    public static async Task<int> RunAsync(ParseResult parse, CommandKind kind, CancellationToken cancellationToken, Func<IHost, Task<int>> body)
    {
        if (parse.GetValue(ContentRoot) is { } root && !Directory.Exists(root))
        {
            await Console.Error.WriteLineAsync($"--contentRoot {root}: no such folder; give the folder that holds appsettings.json and config/ (or `aggregator init {root}` to create one)");
            return ExitCodes.BadConfig;
        }
        using (var host = Build(parse, kind == CommandKind.Service))
        {
            try
            {
                await PrepareAsync(host, sends: kind != CommandKind.Reads, cancellationToken);
                return await body(host);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.BadConfig;
            }
            catch (System.Data.Common.DbException ex)
            {
                await Console.Error.WriteLineAsync(DatabaseError(host.Services.GetRequiredService<Database>().Name, ex));
                return ExitCodes.Failure;
            }
        }
    }

    /// <summary>Checks settings and config/, migrates the database and brings the feeds table in line with feeds.json.</summary>
    /// <param name="sends">Whether the command sends alerts: only then must the notifiers' secrets be at hand.</param>
    /// <exception cref="ConfigException">Everything that is wrong, in one message.</exception>
    internal static async Task PrepareAsync(IHost host, bool sends, CancellationToken cancellationToken)
    {
        var services = host.Services;
        var configuration = services.GetRequiredService<IConfiguration>();
        // Every mistake in one message: unknown keys, values that do not convert, values out of range.
        var errors = new List<string>(AppSettings.UnknownKeys(configuration, Settings, NotificationsServiceCollectionExtensions.Section, typeof(NotifierOptions)));
        foreach (var (_, options) in Settings) errors.AddRange(Check(services, options));
        try
        {
            errors.AddRange(NotificationsServiceCollectionExtensions.Validate(services, checkSecrets: sends));
        }
        catch (InvalidOperationException ex) when (BindingError().Match(ex.Message) is { Success: true } match)
        {
            errors.Add(BindingMessage(configuration, ex, match));
        }
        if (errors.Count > 0) throw new ConfigException([.. errors.Select(e => Located(configuration, e))]);
        var config = services.GetRequiredService<ConfigFiles>().Load();
        await services.GetRequiredService<Database>().MigrateAsync(cancellationToken);
        await services.GetRequiredService<FeedStore>().SyncAsync(config.Feeds, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
    }

    /// <summary>Binds and validates one options class: its range errors, or the value the binder could not convert.</summary>
    private static IEnumerable<string> Check(IServiceProvider services, Type options)
    {
        var accessor = services.GetRequiredService(typeof(IOptions<>).MakeGenericType(options));
        try
        {
            _ = accessor.GetType().GetProperty(nameof(IOptions<object>.Value))!.GetValue(accessor);
            return [];
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is OptionsValidationException invalid)
        {
            return invalid.Failures;
        }
        catch (System.Reflection.TargetInvocationException ex) when (ex.InnerException is InvalidOperationException binding
            && BindingError().Match(binding.Message) is { Success: true } match)
        {
            return [BindingMessage(services.GetRequiredService<IConfiguration>(), binding, match)];
        }
    }

    private static string BindingMessage(IConfiguration configuration, InvalidOperationException ex, System.Text.RegularExpressions.Match match)
    {
        var key = match.Groups[1].Value;
        return $"{AppSettings.Locate(configuration, key)}: {key}: {ex.InnerException?.Message ?? ex.Message}";
    }

    /// <summary>"appsettings.json line 12: Aggregator:Polling:Tick is ..." for an error that starts with its key.</summary>
    private static string Located(IConfiguration configuration, string error) =>
        error.Contains(" line ", StringComparison.Ordinal) || KeyAtStart().Match(error) is not { Success: true } key
            ? error
            : $"{AppSettings.Locate(configuration, key.Value)}: {error}";

    /// <summary>One sentence with the fix for the database errors a user can meet, by SQLite's error code or PostgreSQL's
    /// SQLSTATE.</summary>
    internal static string DatabaseError(string path, System.Data.Common.DbException ex) => ex switch
    {
        Microsoft.Data.Sqlite.SqliteException sqlite => SqliteError(path, sqlite),
        Npgsql.PostgresException { SqlState: "28P01" or "28000" } => $"{path} refused our login ({ex.Message}); check the user in Aggregator:Storage:ConnectionString and give its password in PGPASSWORD or ~/.pgpass.",
        Npgsql.PostgresException { SqlState: "3D000" } => $"{path} does not exist; create it (createdb, or CREATE DATABASE) and start again: the tables are made on first start.",
        Npgsql.PostgresException { SqlState: "42501" } => $"{path}: the user lacks a privilege ({ex.Message}); grant it CREATE and USAGE on the database's schema.",
        Npgsql.PostgresException { SqlState: "53300" } => $"{path} has no connection left for us ({ex.Message}); raise max_connections or lower Max Pool Size in the connection string.",
        Npgsql.PostgresException => $"The database {path} failed: {ex.Message}",
        Npgsql.NpgsqlException => $"Cannot reach {path} ({ex.Message}); check Aggregator:Storage:ConnectionString and that the server is running and accepts connections from here.",
        _ => $"The database {path} failed: {ex.Message}",
    };

    private static string SqliteError(string path, Microsoft.Data.Sqlite.SqliteException ex) => ex.SqliteErrorCode switch
    {
        5 or 6 => $"The database {path} is locked: another program has held a write transaction on it for over 30 s (an open sqlite3 session, a backup tool); close it and try again.",
        11 or 26 => $"The database {path} is damaged or is not an Aggregator database ({ex.Message}); restore it from a backup, or move it away to start afresh.",
        13 => $"The disk holding the database {path} is full; free some space and try again.",
        8 => $"The database {path} is read-only for this user; check the file's and its folder's permissions.",
        14 or 3 or 10 => $"Cannot open or write the database {path} ({ex.Message}); check Aggregator:Database in appsettings.json and that the folder exists and is writable.",
        _ => $"The database {path} failed: {ex.Message}",
    };

    [System.Text.RegularExpressions.GeneratedRegex("configuration value (?:'[^']*' )?at '([^']+)'")]
    private static partial System.Text.RegularExpressions.Regex BindingError();

    [System.Text.RegularExpressions.GeneratedRegex(@"^(Aggregator|Notifiers)(:[\w.-]+)+")]
    private static partial System.Text.RegularExpressions.Regex KeyAtStart();
}
