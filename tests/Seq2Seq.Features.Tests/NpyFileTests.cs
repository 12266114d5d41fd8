using Seq2Seq.Features;

namespace Seq2Seq.Features.Tests;

public sealed class NpyFileTests
{
    [Fact]
    public void WriteThenRead_RoundTrips_WithAlignedHeader()
    {
        var data = Enumerable.Range(0, 3 * 80).Select(i => i * 0.5f).ToArray();
        var ms = new MemoryStream();
        NpyFile.Write(ms, data, 3, 80);
        Assert.Equal(0, (ms.Length - data.Length * 4) % 64);
        ms.Position = 0;
        var (back, rows, cols) = NpyFile.Read(ms);
        Assert.Equal((3, 80), (rows, cols));
        Assert.Equal(data, back);
    }
}
