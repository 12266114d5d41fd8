using System.Diagnostics;
using Seq2Seq.Audio;

namespace Seq2Seq.Audio.Tests;

public sealed class WavFuzzTests
{
    [Fact]
    public void Read_TenThousandMutatedAndTruncatedFiles_OnlyEverThrowsWavFormatException()
    {
        var rng = new Random(1234);
        var seeds = new[]
        {
            TestAudio.Wav([TestAudio.Sine(440, 16000, 300)], SampleEncoding.Pcm16, 16000),
            TestAudio.Wav([TestAudio.Sine(440, 44100, 200), TestAudio.Noise(200, 1)], SampleEncoding.Pcm24, 44100, extensible: true),
            TestAudio.Wav([TestAudio.Noise(150, 2)], SampleEncoding.Float32, 48000, extra: [("LIST", new byte[9]), ("fact", new byte[4])]),
            TestAudio.Wav([TestAudio.Noise(100, 3)], SampleEncoding.Pcm8, 8000, dataSize: uint.MaxValue),
        };
        var watch = Stopwatch.StartNew();
        int valid = 0, rejected = 0;
        var buffer = new float[97];
        for (int i = 0; i < 10_000; i++)
        {
            var bytes = Mutate(seeds[i % seeds.Length], rng);
            var fileWatch = Stopwatch.StartNew();
            try
            {
                Stream s = new MemoryStream(bytes);
                if (i % 3 == 0) s = new NonSeekableStream(s);
                using var reader = new WavReader(s, $"fuzz-{i}");
                while (reader.Read(buffer) > 0) { }
                valid++;
            }
            catch (WavFormatException e)
            {
                Assert.NotNull(e.Offset);
                Assert.InRange(e.Offset!.Value, 0, bytes.Length);
                rejected++;
            }
            Assert.True(fileWatch.ElapsedMilliseconds < 1000, $"case {i} took {fileWatch.ElapsedMilliseconds} ms");
        }
        Assert.True(valid > 100 && rejected > 1000, $"mutations too mild or too harsh: {valid} valid, {rejected} rejected");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60));
    }

    private static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = (byte[])seed.Clone();
        switch (rng.Next(5))
        {
            case 0: // truncate
                return b[..rng.Next(b.Length)];
            case 1: // flip bits, mostly in the header
                for (int k = rng.Next(1, 4); k > 0; k--) b[rng.Next(Math.Min(b.Length, 80))] ^= (byte)(1 << rng.Next(8));
                return b;
            case 2: // overwrite a 32-bit field in the header with an extreme value
                int at = rng.Next(Math.Min(b.Length, 80) - 4);
                BitConverter.TryWriteBytes(b.AsSpan(at), rng.Next(3) switch { 0 => uint.MaxValue, 1 => 0u, _ => (uint)rng.Next() });
                return b;
            case 3: // random bytes anywhere
                for (int k = rng.Next(1, 16); k > 0; k--) b[rng.Next(b.Length)] = (byte)rng.Next(256);
                return b;
            default: // insert garbage inside the header
                int pos = rng.Next(12, 60);
                var junk = new byte[rng.Next(1, 9)];
                rng.NextBytes(junk);
                return [.. b[..pos], .. junk, .. b[pos..]];
        }
    }
}
