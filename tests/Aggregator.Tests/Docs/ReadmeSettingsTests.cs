using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Aggregator.Cli;
using Aggregator.Configuration;
using Aggregator.Fetching;
using Aggregator.Health;
using Aggregator.Notifications;
using Aggregator.Refreshing;
using Aggregator.Storage;
using Aggregator.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Aggregator.Tests.Docs;

/// <summary>The README's appsettings.json table, the options classes' defaults and the shipped appsettings.json say the
/// same thing: a user reading the table gets what the code does, and the file they copy changes nothing silently.</summary>
public sealed partial class ReadmeSettingsTests
{
    /// <summary>Every options class and the section it binds (as AppHost checks them at start).</summary>
    private static readonly (string Section, Type Options)[] Options =
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

    private static IEnumerable<(string Key, PropertyInfo Property, Type Options)> Keys() =>
        Options.SelectMany(o => o.Options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite).Select(p => ($"{o.Section}:{p.Name}", p, o.Options)));

    /// <summary>README rows "| `Aggregator:Polling:MinInterval` / `MaxInterval` | `1m` / `1d` | ... |",
    /// as key → default text.</summary>
    private static Dictionary<string, string> ReadmeTable()
    {
        var table = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(AggregatorProcess.RepositoryRoot, "README.md")))
        {
            if (!line.StartsWith("| `Aggregator:", StringComparison.Ordinal)) continue;
            var cells = line.Split(" | ");
            var keys = Code().Matches(cells[0]).Select(m => m.Groups[1].Value).ToList();
            var defaults = Code().Matches(cells[1]).Select(m => m.Groups[1].Value).ToList();
            Assert.True(keys.Count == defaults.Count, $"README row with {keys.Count} keys and {defaults.Count} defaults: {line}");
            var section = keys[0][..keys[0].LastIndexOf(':')];
            for (var i = 0; i < keys.Count; i++)
                table[i == 0 ? keys[0] : $"{section}:{keys[i]}"] = defaults[i];
        }
        return table;
    }

    /// <summary>A default as the README writes it: a TimeSpan as a duration ("15m", the form the settings accept),
    /// the version and our URL as placeholders.</summary>
    private static string Text(object? value) => value switch
    {
        null => "unset",
        TimeSpan span => DurationText(span),
        bool flag => flag ? "true" : "false",
        IReadOnlyList<string> list => $"[{string.Join(", ", list)}]",
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        string text => text.Replace(FetchOptions.Version, "VERSION", StringComparison.Ordinal)
            .Replace("https://github.com/aggregator-feed-monitor/aggregator", "URL", StringComparison.Ordinal),
        _ => $"{value}",
    };

    [Fact]
    public void EverySettingIsInTheReadmeTableWithTheDefaultTheCodeHas()
    {
        var table = ReadmeTable();
        var problems = new List<string>();
        foreach (var (key, property, options) in Keys())
        {
            var actual = Text(property.GetValue(Activator.CreateInstance(options)));
            if (!table.TryGetValue(key, out var documented))
                problems.Add($"{key} (default {actual}) has no row in the README's appsettings.json table");
            else if (documented != actual)
                problems.Add($"{key}: the README says the default is {documented}, {options.Name} has {actual}");
        }
        var known = Keys().Select(k => k.Key).ToHashSet();
        problems.AddRange(table.Keys.Where(k => !known.Contains(k)).Select(k => $"{k} is in the README's table but no options class has it"));
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    /// <summary>Notifier settings that apply to every type have a row each ("| `Notifiers:NAME:QuietHours` | unset | ..."),
    /// with the default NotifierOptions has.</summary>
    [Theory]
    [InlineData(nameof(NotifierOptions.QuietHours))]
    [InlineData(nameof(NotifierOptions.TimeZone))]
    public void TheNotifierTimingSettingsAreInTheReadmeTable(string name)
    {
        var row = File.ReadLines(Path.Combine(AggregatorProcess.RepositoryRoot, "README.md"))
            .SingleOrDefault(l => l.StartsWith($"| `Notifiers:NAME:{name}` | ", StringComparison.Ordinal));
        Assert.NotNull(row);
        var documented = Code().Match(row.Split(" | ")[1]) is { Success: true } code ? code.Groups[1].Value : row.Split(" | ")[1].Split(' ')[0];
        Assert.Equal(Text(typeof(NotifierOptions).GetProperty(name)!.GetValue(new NotifierOptions())), documented);
    }

    [Fact]
    public void TheShippedAppsettingsJsonSetsEverySettingToItsDefault()
    {
        Duration.AcceptInSettings();
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AggregatorProcess.RepositoryRoot, "appsettings.json")).Build();
        var problems = new List<string>();
        foreach (var (section, type) in Options)
        {
            var bound = Activator.CreateInstance(type)!;
            shipped.GetSection(section).Bind(bound);
            var defaults = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
            {
                if (!Equals(property.GetValue(bound), property.GetValue(defaults)))
                    problems.Add($"appsettings.json sets {section}:{property.Name} to {Text(property.GetValue(bound))}; the documented default is {Text(property.GetValue(defaults))}: ship the default");
            }
        }
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    private static string DurationText(TimeSpan span)
    {
        foreach (var (unit, size) in new[] { ("d", TimeSpan.FromDays(1)), ("h", TimeSpan.FromHours(1)), ("m", TimeSpan.FromMinutes(1)), ("s", TimeSpan.FromSeconds(1)) })
            if (span >= size && span.Ticks % size.Ticks == 0) return (span.Ticks / size.Ticks).ToString(CultureInfo.InvariantCulture) + unit;
        return span.ToString("c", CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("`([^`]+)`")]
    private static partial Regex Code();
}
