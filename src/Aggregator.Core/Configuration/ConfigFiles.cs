using Aggregator.Notifications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Aggregator.Configuration;

/// <summary>Holds the checked contents of config/ for the running process.</summary>
public sealed class ConfigFiles(IOptions<ConfigOptions> options, IHostEnvironment environment, NotifierRegistry notifiers)
{
    private AggregatorConfig? _current;

    public string Directory => Path.GetFullPath(options.Value.ConfigDirectory, environment.ContentRootPath);

    /// <summary>Names under "Notifiers" in appsettings.json, or just "console" when there are none:
    /// what rules may name in "notify", and whom a rule without "notify" alerts.</summary>
    public IReadOnlyCollection<string> NotifierNames => notifiers.Names;

    /// <exception cref="InvalidOperationException">Used before <see cref="Load"/>.</exception>
    public AggregatorConfig Current => _current ?? throw new InvalidOperationException("config/ has not been loaded yet");

    /// <exception cref="ConfigException">The files are missing or wrong; every problem is listed.</exception>
    public AggregatorConfig Load()
    {
        _current = ConfigLoader.Load(Directory, options.Value.ConfigDirectory, NotifierNames);
        return _current;
    }
}
