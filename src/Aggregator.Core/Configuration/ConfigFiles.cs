using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aggregator.Configuration;

/// <summary>Holds the checked contents of config/ for the running process.</summary>
public sealed class ConfigFiles(IOptions<AggregatorOptions> options, IHostEnvironment environment, IConfiguration configuration)
{
    /// <summary>The notifier used when appsettings.json configures none, so a new setup shows its matches.</summary>
    public const string DefaultNotifier = Notifications.NotifierFactory.DefaultNotifierName;

    private AggregatorConfig? _current;

    public string Directory => Path.GetFullPath(options.Value.ConfigDirectory, environment.ContentRootPath);

    /// <summary>Names under "Notifiers" in appsettings.json, or just "console" when there are none.</summary>
    public IReadOnlyList<string> NotifierNames
    {
        get
        {
            var names = configuration.GetSection("Notifiers").GetChildren().Select(c => c.Key).ToArray();
            return names.Length > 0 ? names : [DefaultNotifier];
        }
    }

    /// <exception cref="InvalidOperationException">Used before <see cref="Load"/>.</exception>
    public AggregatorConfig Current => _current ?? throw new InvalidOperationException("config/ has not been loaded yet");

    /// <exception cref="ConfigException">The files are missing or wrong; every problem is listed.</exception>
    public AggregatorConfig Load()
    {
        _current = ConfigLoader.Load(Directory, options.Value.ConfigDirectory, NotifierNames);
        return _current;
    }
}
