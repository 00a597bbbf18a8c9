namespace Aggregator.Fetching;

/// <summary>Where an IP address leads, from the open internet inwards; <see cref="AddressPolicy"/> decides from it.</summary>
public enum AddressKind
{
    Public = 0,
    /// <summary>RFC 1918, carrier-grade NAT (100.64/10), IPv6 unique local (fc00::/7): someone's own network.</summary>
    Private = 1,
    /// <summary>127/8, ::1: this machine.</summary>
    Loopback = 2,
    /// <summary>169.254/16, fe80::/10: the local link, where cloud metadata services answer (169.254.169.254).</summary>
    LinkLocal = 3,
    /// <summary>0.0.0.0/8, multicast, broadcast, ::: nothing a feed lives at.</summary>
    Unusable = 4,
}
