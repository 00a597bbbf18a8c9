using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace Aggregator.Configuration;

/// <summary>appsettings.json as a user edits it: keys under our sections that no setting reads (a misspelt "Secrett"
/// would otherwise leave webhooks unsigned without a word), and where a key was set, so that an error can say "line 12".</summary>
public static class AppSettings
{
    /// <summary>Every key under the sections of <paramref name="known"/> and under <paramref name="notifiersSection"/>
    /// that no property of the options classes reads, each with the nearest known key.</summary>
    /// <param name="known">Each options class and the section it binds; several may share one section.</param>
    /// <param name="notifiersSection">Named children, each bound to <paramref name="notifierOptions"/>.</param>
    public static IReadOnlyList<string> UnknownKeys(IConfiguration configuration, IReadOnlyList<(string Section, Type Options)> known,
        string notifiersSection, Type notifierOptions)
    {
        var allowed = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (section, options) in known)
        {
            Allowed(allowed, section).UnionWith(Properties(options));
            // A section nested in another ("Aggregator:Polling") is a key of its parent.
            for (var nested = section; nested.LastIndexOf(':') is var colon && colon > 0; nested = nested[..colon])
                Allowed(allowed, nested[..colon]).Add(nested[(colon + 1)..]);
        }
        var errors = new List<string>();
        foreach (var (section, keys) in allowed)
        {
            foreach (var child in configuration.GetSection(section).GetChildren())
            {
                if (!keys.Contains(child.Key)) errors.Add(Unknown(configuration, child.Path, keys));
            }
        }
        var notifierKeys = Properties(notifierOptions).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var notifier in configuration.GetSection(notifiersSection).GetChildren())
        {
            foreach (var child in notifier.GetChildren())
            {
                if (!notifierKeys.Contains(child.Key)) errors.Add(Unknown(configuration, child.Path, notifierKeys));
            }
        }
        return errors;
    }

    /// <summary>Where the value of <paramref name="key"/> comes from: "appsettings.json line 12", "environment variable
    /// Aggregator__Polling__Tick", "user secrets"; the last source that sets it wins, as in the configuration itself.</summary>
    public static string Locate(IConfiguration configuration, string key)
    {
        if (configuration is IConfigurationRoot root)
        {
            foreach (var provider in root.Providers.Reverse())
            {
                switch (provider)
                {
                    case JsonConfigurationProvider json when json.Source.Path is { } path && Sets(provider, key):
                        var file = json.Source.FileProvider?.GetFileInfo(path).PhysicalPath;
                        var secrets = path.EndsWith("secrets.json", StringComparison.OrdinalIgnoreCase);
                        var name = secrets ? "user secrets (secrets.json)" : path;
                        return file is not null && LineOf(file, key) is { } line ? $"{name} line {line}" : name;
                    case EnvironmentVariablesConfigurationProvider when Sets(provider, key):
                        return $"environment variable {key.Replace(":", "__", StringComparison.Ordinal)}";
                    case var other when Sets(other, key) && other is not JsonConfigurationProvider:
                        return "the settings";
                }
            }
        }
        return "appsettings.json";
    }

    private static bool Sets(IConfigurationProvider provider, string key) =>
        provider.TryGet(key, out _) || provider.GetChildKeys([], key).Any();

    private static string Unknown(IConfiguration configuration, string path, IReadOnlySet<string> keys)
    {
        var key = path[(path.LastIndexOf(':') + 1)..];
        var parent = path[..path.LastIndexOf(':')];
        var hint = Spelling.Nearest(key, keys) is { } nearest
            ? $"did you mean \"{nearest}\"?"
            : $"known keys: {string.Join(", ", keys.Order(StringComparer.Ordinal))}";
        return $"{Locate(configuration, path)}: unknown key \"{key}\" in {parent}; {hint}";
    }

    private static HashSet<string> Allowed(Dictionary<string, HashSet<string>> allowed, string section) =>
        allowed.TryGetValue(section, out var keys) ? keys : allowed[section] = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    private static IEnumerable<string> Properties(Type options) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || IsCollection(p.PropertyType)).Select(p => p.Name);

    private static bool IsCollection(Type type) => type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable));

    /// <summary>The 1-based line where the property at this path (a:b:c, case-insensitive) is written, or null.</summary>
    private static int? LineOf(string file, string key)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (IOException)
        {
            return null;
        }
        var wanted = key.Split(':');
        var path = new List<string>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        while (path.Count >= reader.CurrentDepth) path.RemoveAt(path.Count - 1);
                        path.Add(reader.GetString()!);
                        if (path.Count == wanted.Length && path.SequenceEqual(wanted, StringComparer.OrdinalIgnoreCase))
                            return 1 + bytes.AsSpan(0, (int)reader.TokenStartIndex).Count((byte)'\n');
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
        return null;
    }
}
