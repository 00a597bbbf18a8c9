using System.CommandLine;
using Aggregator.Configuration;
using Aggregator.Fetching;
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
internal static class AppHost
{
    public static readonly Option<string?> ContentRoot = new("--contentRoot")
    {
        Description = "Folder holding appsettings.json and config/ (default: the current directory)",
        Recursive = true,
    };

    /// <param name="service">True for `run`: the scheduler, Information logs, systemd integration.</param>
    public static IHost Build(ParseResult parse, bool service = false)
    {
        var root = parse.GetValue(ContentRoot);
        // No reload of appsettings.json on change: nothing here reads settings twice (ConfigWatcher reloads feeds.json and
        // rules.json itself), and the host's watcher covers the whole content root, database included, so that every
        // write to data/aggregator.db woke it: 92,000 inotify events and lstat calls in a 1,000-feed first poll.
        var settings = new ConfigurationManager();
        settings.AddInMemoryCollection([new("hostBuilder:reloadConfigOnChange", "false")]);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = root is null ? Directory.GetCurrentDirectory() : Path.GetFullPath(root),
            Configuration = settings,
        });

        AddUserSecrets(builder);

        builder.Logging.ClearProviders();
        // Logs go to stderr so that stdout stays clean for the commands' output (--json, pipes).
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        if (!service) builder.Logging.AddFilter("Aggregator", LogLevel.Warning).AddFilter("Microsoft", LogLevel.Warning).AddFilter("System", LogLevel.Warning);
        builder.Logging.AddFilter("Quartz", LogLevel.Warning).AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        builder.Services.AddAggregatorConfiguration();
        builder.Services.AddStorage();
        builder.Services.AddFetching();
        builder.Services.AddRefreshing();
        builder.Services.AddNotifications(builder.Configuration);
        if (service)
        {
            builder.Services.AddScheduling(builder.Configuration);
            builder.Services.AddHostedService<ConfigWatcher>();
            builder.Services.AddSystemd();
        }
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

    /// <summary>Checks settings and config/, migrates the database and brings the feeds table in line with feeds.json.</summary>
    /// <returns>Null when ready; otherwise the exit code, after printing what is wrong to stderr.</returns>
    public static async Task<int?> PrepareAsync(IHost host, CancellationToken cancellationToken)
    {
        var services = host.Services;
        try
        {
            // Every options class registered with ValidateOnStart, checked together so that one message lists every mistake.
            services.GetRequiredService<IStartupValidator>().Validate();
            var notifierErrors = NotificationsServiceCollectionExtensions.Validate(services);
            if (notifierErrors.Count > 0) throw new ConfigException(notifierErrors);
            var config = services.GetRequiredService<ConfigFiles>().Load();
            await services.GetRequiredService<Database>().MigrateAsync(cancellationToken);
            await services.GetRequiredService<FeedStore>().SyncAsync(config.Feeds, services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
            return null;
        }
        catch (ConfigException ex)
        {
            await Console.Error.WriteLineAsync(ex.Message);
            return ExitCodes.BadConfig;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("appsettings.json is not valid:" + Environment.NewLine + string.Join(Environment.NewLine, ex.Failures.Select(f => "  - " + f)));
            return ExitCodes.BadConfig;
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("configuration value", StringComparison.OrdinalIgnoreCase))
        {
            // Binding errors such as "Failed to convert configuration value at 'Aggregator:Polling:Timeout' to type 'System.TimeSpan'".
            await Console.Error.WriteLineAsync($"appsettings.json is not valid: {ex.Message} Durations are written like \"00:00:30\".");
            return ExitCodes.BadConfig;
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            var path = services.GetRequiredService<Database>().Path;
            await Console.Error.WriteLineAsync($"Cannot open the database {path}: {ex.Message}. Check Aggregator:Database in appsettings.json and that the folder is writable.");
            return ExitCodes.Failure;
        }
    }
}
