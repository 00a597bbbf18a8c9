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
        ["0010_cluster.sql"] = "a320fad015e0fa75171064564adac303f74f8476db8ac32a3d70cc3342351c01",
        ["0011_cluster_scheduler.sql"] = "bd2028b70dfae1f55064d6fd69e0d7334a9f1d55d5793524d62494bad31e9689",
        ["0012_outbox_history_and_health.sql"] = "4669c24e0033ab00ad75add1db5a60c12e103daea52d1b75a1f437f5f36e043b",
        ["0013_flood_guard_and_quiet_hours.sql"] = "ab37a17b25d908528be8a7d8756373038b7bce65b235980276fce20247bf8141",
        ["0014_stories_and_entry_updates.sql"] = "566fb16211a51c0342391ecc42dc4d72698336391c2199e3daa30c84fb4088fa",
        ["0015_search_follows_entry_updates.sql"] = "4272e54f6ac84679d80622df0426dd4d1064c98387a2f3d593d127fbb274a9b5",
        ["0016_entry_text_compression.sql"] = "1b315f7158a7f4e9c4eaab7cb9dee6f90bfc18eebce1f6942b60d3438836c85b",
        // PostgreSQL's twins (schema_version records each number run; an edited one would not run again either).
        ["postgres/0001_initial.sql"] = "ca130cac4b9e3b30e613071bdc491d2305085ef4f0fcb0ca1b897eef37725bc4",
        ["postgres/0002_search_index.sql"] = "48f8773c37c292061d32982133c63a17240e2c018ed82faceedd5a2f49530098",
        ["postgres/0003_digests.sql"] = "06974869c8ffeafd2ed3e71d71e66898907031d599fd32e5a91d6739b65374f3",
        ["postgres/0004_enclosures.sql"] = "b4fb4c68ae6fa102b2283060dc573544535348b89646e8358e9a36de0dbf104a",
        ["postgres/0005_entry_dates.sql"] = "3bbeb6a49d0d81333a4b87a54e999f864738da9bab27bd5600bcc2a0774436f2",
        ["postgres/0006_entry_language_and_search.sql"] = "a694b1c92e865f2de5b258e85d05798822b1b5292d07781d17f9d399ba6dfabe",
        ["postgres/0007_feed_problems.sql"] = "c02f6af985caa6ec38c3393f9f6ba2630f93149c147bb73cb406ad67366b8b32",
        ["postgres/0008_operations.sql"] = "08a61202a3922a208d5048dc40c40ece42098727011684bd4eb4183f03955eac",
        ["postgres/0010_cluster.sql"] = "93031c65a21f371e536256e8035ac547cf0caafa5a953118986f15e2fcd2f23a",
        ["postgres/0011_cluster_scheduler.sql"] = "4a526a9e9b9ee801aa97635808a16a03bfd30eb4dec729dc2412c91bdaa6bb8b",
        ["postgres/0012_outbox_history_and_health.sql"] = "8a38dc8154c973cb8cba415a3e63b45c86d5642e0d52f5badf02fcf5a77bede0",
        ["postgres/0013_flood_guard_and_quiet_hours.sql"] = "bf4ee51f28829dbadd97d162d00b45c27ad2b61dc2bc8c9051e9c233727fcc9b",
        ["postgres/0014_stories_and_entry_updates.sql"] = "2948164492c8ff7f9a8e3b5684e4572ae229f15d748c624c3761dc0eadfb30a1",
        ["postgres/0015_search_follows_entry_updates.sql"] = "4e6e0c468202f53774d48de311e9d38a04ecd11f6bfbe636fe9989dfbaef824c",
        ["postgres/0016_entry_text_compression.sql"] = "1a2a1601ab4ff1c0f6757c53a302c35f260a3f321e124a94bbc24d75e68fd2ea",
    };

    private const string Prefix = "Aggregator.Storage.Migrations.";

    /// <summary>The migrations as the build embeds them (what ships), by file name (postgres/NNNN_x.sql for
    /// PostgreSQL's), with their SHA-256.</summary>
    private static Dictionary<string, string> Embedded()
    {
        var assembly = typeof(Database).Assembly;
        return assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToDictionary(
            n => n[Prefix.Length..].Replace("postgres.", "postgres/", StringComparison.Ordinal),
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

    [Theory]
    [InlineData("")]
    [InlineData("postgres/")]
    public void MigrationsAreNumberedFilesThatRunInOrder(string folder)
    {
        var numbers = Embedded().Keys.Where(f => f.StartsWith(folder, StringComparison.Ordinal) && !f[folder.Length..].Contains('/', StringComparison.Ordinal))
            .Select(f => int.Parse(f.AsSpan(folder.Length, f.IndexOf('_', StringComparison.Ordinal) - folder.Length), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count()); // two files with one number: one of them would never run
        Assert.Equal(numbers.Max(), Database.SchemaVersion);
    }
}
