namespace Aggregator.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The command ran but something it worked on failed (a feed could not be read).</summary>
    public const int Failure = 1;
    /// <summary>appsettings.json, config/ or the arguments are wrong; nothing was done.</summary>
    public const int BadConfig = 2;
}
