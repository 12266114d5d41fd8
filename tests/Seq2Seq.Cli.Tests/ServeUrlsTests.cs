using Seq2Seq.Cli.Commands;

namespace Seq2Seq.Cli.Tests;

public sealed class ServeUrlsTests
{
    [Theory]
    [InlineData("http://999.1.1.1:1", "999.1.1.1")]          // Kestrel would take it as "every interface"
    [InlineData("http://myhost:8080", "myhost")]
    [InlineData("http://1.2:8080", "1.2")]
    [InlineData("ftp://127.0.0.1:8080", "not http")]
    [InlineData("http://127.0.0.1:99999", "port")]
    [InlineData("http://127.0.0.1", "port")]
    [InlineData(" ; ", "no address")]
    public void CheckUrls_HostsKestrelWouldMisread_AreRefusedWithTheirName(string urls, string fragment)
    {
        var e = Assert.Throws<ArgumentException>(() => ServeCommand.CheckUrls(urls, hasApiKey: false));
        Assert.Contains(fragment, e.Message);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", 0)]
    [InlineData("http://localhost:8080;http://[::1]:8081", 0)]
    [InlineData("http://0.0.0.0:8080", 1)]
    [InlineData("http://*:8080;https://+:8443", 2)]
    [InlineData("http://[::]:8080", 1)]
    [InlineData("http://192.168.1.20:8080", 1)]
    [InlineData("http://unix:/run/s2s/s2s.sock", 0)]
    public void CheckUrls_BindingBeyondLoopback_IsWarnedAbout(string urls, int warnings)
    {
        var (list, said) = ServeCommand.CheckUrls(urls, hasApiKey: false);
        Assert.Equal(urls.Split(';').Length, list.Length);
        Assert.Equal(warnings, said.Count);
        Assert.All(said, w => Assert.Contains("--api-key", w));
    }

    [Fact]
    public void Serve_WithAHostThatDoesNotParse_ExitsWithUsageErrorBeforeListening()
    {
        var r = CliRunner.Run("serve", "--urls", "http://999.1.1.1:1");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("host '999.1.1.1' is not an IP address", r.Stderr);
    }
}
