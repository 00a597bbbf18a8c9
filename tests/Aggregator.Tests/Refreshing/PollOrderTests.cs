using Aggregator.Refreshing;
using Aggregator.Storage;

namespace Aggregator.Tests.Refreshing;

/// <summary>The order a cycle takes feeds in: hosts in turn, so one busy host does not hold every worker.</summary>
public sealed class PollOrderTests
{
    private static FeedRow Feed(string url) => new() { Name = url, Url = url };

    [Fact]
    public void FeedsOnOneHostAreSpreadBetweenTheOtherHostsKeepingTheirOrder()
    {
        FeedRow[] batch =
        [
            Feed("https://big.example/1"), Feed("https://big.example/2"), Feed("https://big.example/3"), Feed("https://big.example/4"),
            Feed("https://a.example/x"), Feed("https://b.example/y"), Feed("https://A.EXAMPLE/z"),
        ];

        var order = PollCycle.InterleaveHosts(batch).Select(i => batch[i].Url).ToArray();

        Assert.Equal(
            ["https://big.example/1", "https://a.example/x", "https://b.example/y",
             "https://big.example/2", "https://A.EXAMPLE/z",
             "https://big.example/3",
             "https://big.example/4"],
            order);
    }

    [Fact]
    public void EveryFeedIsTakenOnceWhateverTheMix()
    {
        var random = new Random(7);
        var batch = Enumerable.Range(0, 500).Select(i => Feed($"http://h{random.Next(12)}.example:{8000 + random.Next(2)}/{i}")).ToArray();

        var order = PollCycle.InterleaveHosts(batch).ToArray();

        Assert.Equal(Enumerable.Range(0, batch.Length), order.Order());
        // No two neighbours share a host while more than one host has feeds left.
        var hosts = order.Select(i => new Uri(batch[i].Url).Authority).ToArray();
        var firstRepeat = Enumerable.Range(1, hosts.Length - 1).FirstOrDefault(i => hosts[i] == hosts[i - 1]);
        if (firstRepeat > 0) Assert.Single(hosts[firstRepeat..].Distinct());
    }
}
