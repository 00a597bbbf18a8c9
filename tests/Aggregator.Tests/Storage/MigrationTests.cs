using System.Security.Cryptography;
using System.Text;
using Aggregator.Storage;

namespace Aggregator.Tests.Storage;

/// <summary>A database records only the number of the last migration it ran (PRAGMA user_version): a shipped script
/// edited afterwards never runs again on the databases that already ran it, and they silently differ from new ones.
/// (0001_initial.sql was edited after 0002 existed.) So every shipped script's text is pinned here.</summary>
public sealed class MigrationTests
{
    /// <summary>Every shipped migration and the SHA-256 of its text (line endings as LF). A new migration adds one line.</summary>
    private static readonly Dictionary<string, string> Shipped = new()
    {
        ["0001_initial.sql"] = "2933631785658a1bb5968b48a9f57e763d5d1a09574646f0cdb6b613f9914d0f",
        ["0002_search_index.sql"] = "f478eb2b6e350c50db4313191f8857db0e1367895ecbf882661a794d65ebb19c",
        ["0003_digests.sql"] = "0ce18e3ccd349db8d0ffd7538b319924a67df3899ac0f79ea589fc8cbb9a8865",
        ["0004_enclosures.sql"] = "df9893eb41a5023c497872075cdacb503ea174943cadb5ba39afcad7619a2c6b",
        ["0005_entry_dates.sql"] = "e0903835f258d2a360a47606a92d42403445201df7defa4e560807eddbe16399",
        ["0006_entry_language_and_search.sql"] = "832e3bf32cfdbae1bfcabf48c2b56d56dc9a1f09eb4db05063b0b1c6d0894d55",
        ["0007_feed_problems.sql"] = "612cbbcb6b15cfbada88128918a32b1518c088d34f05cebc8b07d0b8d98fbcf5",
        ["0008_operations.sql"] = "abd06a1d4758b758b3a53ff8d69bf9af1ddcda0cbedc80c696c833eec46e1b1d",
    };

    private const string Prefix = "Aggregator.Storage.Migrations.";

    /// <summary>The migrations as the build embeds them (what ships), by file name, with their SHA-256.</summary>
    private static Dictionary<string, string> Embedded()
    {
        var assembly = typeof(Database).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(
            n => n[Prefix.Length..],
            n =>
            {
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                var text = reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal);
                return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
            });
    }

    [Fact]
    public void NoShippedMigrationIsEditedRemovedOrLeftUnpinned()
    {
        var embedded = Embedded();
        var problems = new List<string>();
        foreach (var (file, hash) in Shipped)
        {
            if (!embedded.TryGetValue(file, out var now))
                problems.Add($"{file} was shipped and is gone: databases have run it; put it back.");
            else if (now != hash)
                problems.Add($"{file} has changed (SHA-256 {now}, shipped as {hash}). Migrations are never edited once shipped: " +
                    "undo the edit, put the change in a new numbered file, and add its hash here.");
        }
        foreach (var (file, hash) in embedded.Where(e => !Shipped.ContainsKey(e.Key)).OrderBy(e => e.Key, StringComparer.Ordinal))
            problems.Add($"{file} is not pinned: once it is final, add [\"{file}\"] = \"{hash}\", to MigrationTests.Shipped.");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Fact]
    public void MigrationsAreNumberedFilesThatRunInOrder()
    {
        var numbers = Embedded().Keys.Select(f => int.Parse(f.AsSpan(0, f.IndexOf('_', StringComparison.Ordinal)), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count()); // two files with one number: one of them would never run
        Assert.Equal(numbers.Max(), Database.SchemaVersion);
    }
}
