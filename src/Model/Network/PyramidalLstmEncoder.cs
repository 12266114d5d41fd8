using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// Pyramidal bidirectional LSTM encoder (Chan et al. 2016, "Listen, Attend and Spell", §3.1): the first two layers
/// read pairs of consecutive frames concatenated, so time shrinks 4× as with the convolutional front end; the other
/// layers are plain BiLSTMs. Padded sequences are packed, so padding never reaches the backward direction. Offline
/// only: the chunk arguments are ignored.
/// </summary>
internal sealed class PyramidalLstmEncoder : SpeechEncoder
{
    private const int HalvingLayers = 2;
    private readonly ModuleList<LSTM> layers;
    private readonly Dropout dropout;
    private readonly Linear project;

    public PyramidalLstmEncoder(string name, ModelConfig c) : base(name)
    {
        int hidden = c.LstmHidden;
        layers = nn.ModuleList(Enumerable.Range(0, c.LstmLayers).Select(i =>
        {
            int input = i == 0 ? 2 * c.Features.MelBins : i < HalvingLayers ? 2 * 2 * hidden : 2 * hidden;
            return nn.LSTM(input, hidden, 1, true, true, 0, true);
        }).ToArray());
        dropout = nn.Dropout(c.Dropout);
        project = nn.Linear(2 * hidden, c.ModelDim);
        RegisterComponents();
    }

    // x: (B, T, n_mels), lengths: (B) -> (B, T/4, D)
    public override Tensor Encode(Tensor x, Tensor? lengths, int chunk, int leftChunks)
    {
        long b = x.shape[0];
        var h = x;
        var valid = lengths ?? full(b, x.shape[1], dtype: int64, device: x.device);
        for (int i = 0; i < layers.Count; i++)
        {
            if (i < HalvingLayers)
            {
                long half = h.shape[1] / 2;                                           // (B, T, F) -> (B, T/2, 2F)
                h = h.narrow(1, 0, half * 2).reshape(b, half, 2 * h.shape[2]);
                valid = valid.FloorDiv(2);
            }
            long frames = h.shape[1];
            var packed = nn.utils.rnn.pack_padded_sequence(h, valid.clamp_min(1).cpu(), true, false);
            var (output, _, _) = layers[i].call(packed);
            h = dropout.call(nn.utils.rnn.pad_packed_sequence(output, true, 0, frames).Item1);  // (B, T', 2H)
        }
        return project.call(h);
    }

    /// <inheritdoc />
    public override Tensor OutputLengths(Tensor lengths) =>
        lengths.FloorDiv(2).FloorDiv(2);
}
