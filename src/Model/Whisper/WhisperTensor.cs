namespace Seq2Seq.Model.Whisper;

/// <summary>One tensor of a checkpoint under OpenAI's name, its shape (PyTorch order) and its values as float32.</summary>
public sealed record WhisperTensor(string Name, long[] Shape, float[] Values)
{
    /// <summary>Number of elements the shape holds.</summary>
    public static long Count(long[] shape) => shape.Aggregate(1L, (a, b) => a * b);
}
