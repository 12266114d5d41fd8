namespace Seq2Seq.Model.Tests;

/// <summary>The loader every front end opens models with.</summary>
public sealed class SpeechModelsTests(TinyModelFixture tiny) : IClassFixture<TinyModelFixture>
{
    [Fact]
    public void Load_AModelDirectory_GivesOurFamily_WithWhatItIs()
    {
        using var model = SpeechModels.Load(tiny.ModelPath, DeviceChoice.Cpu);
        Assert.Equal("seq2seq", model.Info.Family);
        Assert.Equal(16000, model.Info.SampleRate);
        Assert.True(model.Info.Parameters > 0);
        Assert.Equal("cpu", model.Info.Device);
        Assert.True(model.Info.StreamsNatively);
        using var stream = model.CreateStream();
        Assert.IsAssignableFrom<IFeatureStream>(stream);
    }

    [Fact]
    public void Load_AFileOrAMissingPath_SaysItIsNoKnownModel()
    {
        string file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<CheckpointException>(() => SpeechModels.Load(file));
            Assert.Contains("not a known model", error.Message);
            Assert.Contains(file, error.Message);
        }
        finally { File.Delete(file); }
        Assert.Contains("not found", Assert.Throws<CheckpointException>(() => SpeechModels.Load("/no/such/model")).Message);
    }
}
