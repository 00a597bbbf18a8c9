using Aggregator.Configuration;
using Aggregator.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aggregator.Cli;

/// <summary>What `feeds add`, `remove` and `import` share: the feeds.json being edited, the URLs and names already taken,
/// and bringing the database in line once the file has changed.</summary>
internal sealed class FeedsEditing
{
    private readonly IHost _host;
    private readonly Dictionary<string, string> _names = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _urls = new(StringComparer.Ordinal);

    private FeedsEditing(IHost host, string display)
    {
        _host = host;
        Display = display;
    }

    public ConfigFiles Config => _host.Services.GetRequiredService<ConfigFiles>();

    public FeedsFile File => new(Path.Combine(Config.Directory, ConfigLoader.FeedsFile));

    /// <summary>config/feeds.json as the user knows it, for messages.</summary>
    public string Display { get; }

    public static async Task<FeedsEditing> LoadAsync(IHost host, CancellationToken cancellationToken)
    {
        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ConfigOptions>>().Value;
        var editing = new FeedsEditing(host, Path.Combine(options.ConfigDirectory, ConfigLoader.FeedsFile));
        foreach (var feed in editing.Config.Current.Feeds)
        {
            editing._names[feed.Name] = feed.Name;
            editing._urls.TryAdd(feed.Url.AbsoluteUri, feed.Name);
        }
        // Where a feed moved to (301/308) counts too: the same feed under its new address is still a duplicate.
        foreach (var row in await host.Services.GetRequiredService<FeedStore>().GetAllAsync(cancellationToken))
        {
            if (row.Enabled) editing._urls.TryAdd(row.Url, row.Name);
        }
        return editing;
    }

    /// <summary>The name of the configured feed at this URL, or null.</summary>
    public string? NameAt(Uri url) => _urls.GetValueOrDefault(url.AbsoluteUri);

    public bool NameTaken(string name) => _names.ContainsKey(name);

    /// <summary><paramref name="wanted"/>, or "wanted (2)", "wanted (3)"... whichever is free; and takes it.</summary>
    public string Claim(string wanted, Uri url)
    {
        var name = wanted;
        for (var n = 2; _names.ContainsKey(name); n++) name = $"{wanted} ({n})";
        _names[name] = name;
        _urls[url.AbsoluteUri] = name;
        return name;
    }

    /// <summary>Reloads config/ and syncs the feeds table, so `status` shows the change at once (a running service does
    /// the same when it sees the file change).</summary>
    public async Task SyncAsync(CancellationToken cancellationToken)
    {
        var config = Config.Load();
        await _host.Services.GetRequiredService<FeedStore>().SyncAsync(config.Feeds,
            _host.Services.GetRequiredService<TimeProvider>().GetUtcNow(), cancellationToken);
    }

    /// <summary>A feed name from a title: one line, trimmed, at most 80 characters; the URL's host when there is none.</summary>
    public static string NameFrom(string? title, Uri url)
    {
        var name = Parsing.HtmlText.Collapse(title)?.Trim();
        if (string.IsNullOrEmpty(name)) return url.Host;
        return name.Length <= 80 ? name : name[..79].TrimEnd() + "…";
    }
}
