using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Seq2Seq.Model;

/// <summary>
/// LSTM decoder with location-aware attention (Chorowski et al. 2015, "Attention-Based Models for Speech
/// Recognition", §2.2): attention energies use the decoder state, the encoder output, and convolutional features of
/// the previous attention weights, which keeps the alignment moving forward.
/// </summary>
internal sealed class LstmDecoder : SpeechDecoder
{
    private const int LocationChannels = 10, LocationKernel = 31;
    private readonly Embedding embedding;
    private readonly LSTMCell cell;
    private readonly Linear query, key, location_project, energy, output;
    private readonly Conv1d location;
    private readonly Dropout dropout;
    private readonly int _dim, _hidden;

    public LstmDecoder(string name, ModelConfig c) : base(name)
    {
        (_dim, _hidden) = (c.ModelDim, c.LstmHidden);
        embedding = nn.Embedding(c.VocabSize, c.ModelDim);
        cell = nn.LSTMCell(2 * c.ModelDim, c.LstmHidden);
        query = nn.Linear(c.LstmHidden, c.ModelDim);
        key = nn.Linear(c.ModelDim, c.ModelDim, hasBias: false);
        location = nn.Conv1d(1, LocationChannels, LocationKernel, padding: LocationKernel / 2, bias: false);
        location_project = nn.Linear(LocationChannels, c.ModelDim, hasBias: false);
        energy = nn.Linear(c.ModelDim, 1);
        output = nn.Linear(c.LstmHidden + c.ModelDim, c.VocabSize);
        dropout = nn.Dropout(c.Dropout);
        RegisterComponents();
    }

    private sealed class State : DecoderState
    {
        private Tensor? _memory, _keys, _mask, _h, _c, _context, _weights;

        public State(Tensor memory, Tensor keys, Tensor? mask, Tensor h, Tensor c, Tensor context, Tensor weights)
        {
            _memory = Own(memory);
            Replace(ref _keys, keys);
            Replace(ref _mask, mask);
            Advance(h, c, context, weights);
        }

        public Tensor Memory => _memory!;
        public Tensor Keys => _keys!;
        public Tensor? Mask => _mask;
        public Tensor H => _h!;
        public Tensor C => _c!;
        public Tensor Context => _context!;
        public Tensor Weights => _weights!;

        public void Advance(Tensor h, Tensor c, Tensor context, Tensor weights)
        {
            Replace(ref _h, h);
            Replace(ref _c, c);
            Replace(ref _context, context);
            Replace(ref _weights, weights);
        }

        public override void Select(long[] rows)
        {
            using var scope = NewDisposeScope();
            var index = tensor(rows, device: Memory.device);
            Replace(ref _memory, Memory.index_select(0, index));
            Replace(ref _keys, Keys.index_select(0, index));
            Replace(ref _mask, Mask?.index_select(0, index));
            Advance(H.index_select(0, index), C.index_select(0, index), Context.index_select(0, index), Weights.index_select(0, index));
        }

        public override void Dispose()
        {
            foreach (var t in new[] { _memory, _keys, _mask, _h, _c, _context, _weights }) t?.Dispose();
        }
    }

    // tokens: (B, L), memory: (B, S, D), memoryMask: additive (B, 1, 1, S) -> logits (B, L, V)
    public override Tensor forward(Tensor tokens, Tensor memory, Tensor? memoryMask)
    {
        using var state = (State)Start(memory, memoryMask);
        var steps = new List<Tensor>();
        for (long l = 0; l < tokens.shape[1]; l++) steps.Add(Logits(tokens[.., (int)l], state));
        return stack(steps, 1);
    }

    public override DecoderState Start(Tensor memory, Tensor? memoryMask)
    {
        long b = memory.shape[0], s = memory.shape[1];
        return new State(memory, key.call(memory), memoryMask?.reshape(b, s),
            zeros(b, _hidden, device: memory.device), zeros(b, _hidden, device: memory.device),
            zeros(b, _dim, device: memory.device), zeros(b, s, device: memory.device));
    }

    public override Tensor Step(Tensor lastTokens, DecoderState state) => Logits(lastTokens, (State)state).log_softmax(-1);

    // lastTokens: (B) -> logits (B, V); advances the state by one token
    private Tensor Logits(Tensor lastTokens, State st)
    {
        var input = cat([dropout.call(embedding.call(lastTokens)), st.Context], 1);                // (B, 2D)
        var (h, c) = cell.call(input, (st.H, st.C));                                                 // (B, H)
        var locationFeatures = location_project.call(location.call(st.Weights.unsqueeze(1)).transpose(1, 2)); // (B, S, D)
        var e = energy.call((query.call(h).unsqueeze(1) + st.Keys + locationFeatures).tanh()).squeeze(-1);   // (B, S)
        if (st.Mask is not null) e = e + st.Mask;
        var weights = e.softmax(-1);
        var context = weights.unsqueeze(1).bmm(st.Memory).squeeze(1);                               // (B, D)
        st.Advance(h, c, context, weights);
        st.Length++;
        return output.call(dropout.call(cat([h, context], 1)));
    }
}
