using System.Net;
using System.Net.Sockets;

namespace Aggregator.Fetching;

/// <summary>Which addresses a fetch may connect to. What the operator wrote (feeds.json, a webhook URL) is trusted as
/// written, so a bridge on 127.0.0.1 is a normal feed; but a feed is written by a stranger, and a redirect may not lead
/// further in than where it came from (a public feed may not send us to a private, loopback or link-local address, a
/// private one not to loopback), and link-local addresses, where cloud metadata lives, are refused unless
/// Polling:AllowLinkLocal says so. Checked on the address actually connected to (<see cref="ConnectAsync"/>, the
/// handler's ConnectCallback), so a host name that resolves differently the second time gains nothing, and before a
/// redirect is followed (<see cref="CheckRedirectAsync"/>), since a pooled connection skips the callback.</summary>
/// <param name="classify">Replaces the standard ranges; tests use it to stand in for a public address on loopback.</param>
public sealed class AddressPolicy(bool allowLinkLocal, Func<IPAddress, AddressKind>? classify = null)
{
    /// <summary>The furthest-in kind a request may connect to; unset means anything but link-local (what the operator wrote).</summary>
    public static readonly HttpRequestOptionsKey<AddressKind> FurthestIn = new("Aggregator.AddressPolicy.FurthestIn");

    public AddressKind Classify(IPAddress address) => classify?.Invoke(address) ?? Standard(address);

    /// <summary>Why a connection to <paramref name="address"/> is refused, or null when it is allowed.</summary>
    public string? Refusal(IPAddress address, AddressKind furthestIn)
    {
        var kind = Classify(address);
        if (kind == AddressKind.LinkLocal && !allowLinkLocal)
            return $"refused to connect to {address}: a link-local address, where cloud metadata services answer; set Aggregator:Polling:AllowLinkLocal to true to allow it";
        if (kind == AddressKind.Unusable)
            return $"refused to connect to {address}: not an address a feed can live at";
        var level = kind == AddressKind.LinkLocal ? AddressKind.Private : kind;
        if (level > furthestIn)
            return $"refused to connect to {address}: a {Name(level)} address reached through a redirect from a {Name(furthestIn)} one, which could let a feed reach into your network; if you trust it, put its URL in config/feeds.json";
        return null;
    }

    /// <summary>The SocketsHttpHandler.ConnectCallback: resolves the host and connects to the first address the policy
    /// allows for this request.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var furthestIn = context.InitialRequestMessage.Options.TryGetValue(FurthestIn, out var kind) ? kind : AddressKind.Loopback;
        var addresses = await Resolve(context.DnsEndPoint.Host, cancellationToken);
        string? refusal = null;
        SocketException? failure = null;
        foreach (var address in addresses)
        {
            if (Refusal(address, furthestIn) is { } reason)
            {
                refusal ??= reason;
                continue;
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                failure = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        if (failure is not null) throw failure;
        throw new AddressRefusedException(refusal ?? $"cannot resolve host '{context.DnsEndPoint.Host}'");
    }

    /// <summary>Before a redirect is followed: the furthest-in kind the rest of the chain may reach, or the refusal.</summary>
    /// <param name="furthestIn">What the chain allowed so far (<see cref="AddressKind.Loopback"/> for the URL as written).</param>
    public async Task<(AddressKind FurthestIn, string? Refusal)> CheckRedirectAsync(Uri from, Uri to, AddressKind furthestIn,
        CancellationToken cancellationToken)
    {
        // The redirecting server is a stranger as far out as it stands: nothing after it may go further in.
        var origin = await KindOf(from.IdnHost, cancellationToken);
        if (origin is { } kind && kind < furthestIn) furthestIn = kind;
        IPAddress[] addresses;
        try
        {
            addresses = await Resolve(to.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return (furthestIn, null); // the request itself will fail and say so
        }
        foreach (var address in addresses)
        {
            if (Refusal(address, furthestIn) is { } reason) return (furthestIn, $"redirected to {to.GetLeftPart(UriPartial.Authority)}, {reason}");
        }
        return (furthestIn, null);
    }

    private async Task<AddressKind?> KindOf(string host, CancellationToken cancellationToken)
    {
        try
        {
            var kinds = (await Resolve(host, cancellationToken)).Select(Classify).ToArray();
            if (kinds.Length == 0) return null;
            var outermost = kinds.Min();
            return outermost == AddressKind.LinkLocal ? AddressKind.Private : outermost;
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private static async Task<IPAddress[]> Resolve(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    private static string Name(AddressKind kind) => kind switch
    {
        AddressKind.Public => "public",
        AddressKind.Private => "private",
        AddressKind.Loopback => "loopback",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The standard ranges (RFC 6890 and friends).</summary>
    public static AddressKind Standard(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return b[0] switch
            {
                127 => AddressKind.Loopback,
                10 => AddressKind.Private,
                172 when b[1] is >= 16 and <= 31 => AddressKind.Private,
                192 when b[1] == 168 => AddressKind.Private,
                100 when b[1] is >= 64 and <= 127 => AddressKind.Private,
                169 when b[1] == 254 => AddressKind.LinkLocal,
                0 or >= 224 => AddressKind.Unusable,
                _ => AddressKind.Public,
            };
        }
        if (IPAddress.IsLoopback(address)) return AddressKind.Loopback;
        if (address.IsIPv6LinkLocal) return AddressKind.LinkLocal;
        if (address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal) return AddressKind.Private;
        if (address.IsIPv6Multicast || address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any)) return AddressKind.Unusable;
        return AddressKind.Public;
    }
}
