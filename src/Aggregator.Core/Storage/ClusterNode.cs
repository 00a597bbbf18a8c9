using System.Security.Cryptography;

namespace Aggregator.Storage;

/// <summary>This process as one node of those sharing a database: the id its claims, heartbeats and polls carry. Unique
/// per run (host, process id and a random part, since a restarted container often gets the same pid).</summary>
public sealed record ClusterNode(string Id, string Host, int Pid)
{
    public static ClusterNode ForThisProcess()
    {
        var host = Environment.MachineName;
        return new ClusterNode($"{host}-{Environment.ProcessId}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}", host, Environment.ProcessId);
    }
}
