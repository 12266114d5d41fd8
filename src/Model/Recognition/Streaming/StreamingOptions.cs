using Seq2Seq.Model.Decoding;

namespace Seq2Seq.Model;

/// <summary>Streaming recognition settings (chunking, search, endpointing).</summary>
public sealed record StreamingOptions
{
    /// <summary>Encoder frames per chunk (40 ms each): partial results come once per chunk. Default: 8 (320 ms).</summary>
    public int ChunkFrames { get; init; } = 8;

    /// <summary>Chunks of history each chunk attends to (bounds memory and latency on long streams). Default: 8.</summary>
    public int LeftChunks { get; init; } = 8;

    /// <summary>The search that finalises a segment at an endpoint, and its beam for the partials' CTC prefix beam
    /// search. Its <see cref="DecodeOptions.Method"/> is <see cref="DecodingMethod.JointBeam"/> (attention beam search
    /// with CTC prefix scores, as offline decoding) or <see cref="DecodingMethod.CtcRescore"/> (the partials' CTC n-best
    /// rescored by the attention decoder: cheaper, and as good only when the CTC head is); it runs over the encoder
    /// output chosen by <see cref="FullContextFinals"/>. Default: <see cref="DecodeOptions"/>' defaults (JointBeam, beam 8,
    /// CTC weight 0.3, LM weight 0.2, unknown-word penalty 1).</summary>
    public DecodeOptions Search { get; init; } = new();

    /// <summary>How each chunk's partial is found (<see cref="PartialMethod"/>). Default: CtcBeam.</summary>
    public PartialMethod PartialSearch { get; init; } = PartialMethod.CtcBeam;

    /// <summary>Encode each finished segment again with unrestricted self-attention before the final search: a second
    /// pass over at most <see cref="EndpointRules.MaxSegmentSeconds"/> of features, so that finals see the whole segment as offline
    /// decoding does (partials keep the chunked, cached encoder). false: finals read the partials' chunked encoder
    /// output. Default: true.</summary>
    public bool FullContextFinals { get; init; } = true;

    /// <summary>Gate recognition with the voice activity detector: no partials before it hears speech, words it heard
    /// nothing under are dropped from finals, and its silence ends a segment too. Default: true.</summary>
    public bool VoiceGate { get; init; } = true;

    /// <summary>Attention partials (<see cref="PartialMethod.Attention"/>, <see cref="PartialMethod.FullContextAttention"/>)
    /// decode at most about this many seconds of the segment's end each time: once the undecided stretch is longer, its
    /// older part up to a pause (the longest run of CTC blanks) is decoded once and kept, so a partial of a 30 s turn
    /// costs what one of a 3 s turn does. Finals still decode the whole segment. Default: 4.</summary>
    public double PartialWindowSeconds { get; init; } = 4.0;

    /// <summary>Hypotheses of the attention partials' joint search (with the finals' CTC, language-model and lexicon
    /// weights): 8, the finals' beam, so that a word the final will read is in the partials as soon as the audio heard
    /// so far shows it; 1: greedy, each partial starting from the last (<see cref="PartialMethod"/>), the cheapest, but
    /// words that only the beam gets right wait for the final. Default: 8.</summary>
    public int PartialBeam { get; init; } = 8;

    /// <summary>Whisper-architecture models: seconds of new audio between LocalAgreement steps (each transcribes the
    /// buffer again; partials come once per step). Default: 1.</summary>
    public double AgreementStepSeconds { get; init; } = 1.0;

    /// <summary>Whether the audio is live (a microphone, a network stream: partials as it goes) or a whole recording
    /// read as fast as it can be (file transcription, uploads: finals only). Whisper-architecture models transcribe a
    /// recording at its end as OpenAI's <c>transcribe()</c> does; our family streams either way. Default: true.</summary>
    public bool Live { get; init; } = true;

    /// <summary>How often the endpoint rules also run between chunks, in milliseconds (a multiple of 40, at most the
    /// chunk; 0: at chunk ends only). While a segment has words and the voice detector hears a pause starting, the frames
    /// since the last chunk are encoded as if the stream ended there (not kept) and checked, so a final need not wait
    /// for the chunk to fill. Live streams only (<see cref="Live"/>). Default: 40.</summary>
    public int EndpointCheckMilliseconds { get; init; } = 40;

    /// <summary>When a segment ends (<see cref="EndpointRules"/>).</summary>
    public EndpointRules Endpoints { get; init; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for out-of-range values.</summary>
    public StreamingOptions Validated()
    {
        if (ChunkFrames is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(ChunkFrames), ChunkFrames, "must be 1–64");
        if (EndpointCheckMilliseconds < 0 || EndpointCheckMilliseconds % 40 != 0 || EndpointCheckMilliseconds > 40 * ChunkFrames)
            throw new ArgumentOutOfRangeException(nameof(EndpointCheckMilliseconds), EndpointCheckMilliseconds, "must be a multiple of 40, at most the chunk (0: off)");
        if (LeftChunks is < 0 or > 256) throw new ArgumentOutOfRangeException(nameof(LeftChunks), LeftChunks, "must be 0–256");
        ArgumentNullException.ThrowIfNull(Search);
        ArgumentNullException.ThrowIfNull(Endpoints);
        Search.Validated();
        if (Search.Method is not (DecodingMethod.JointBeam or DecodingMethod.CtcRescore))
            throw new ArgumentOutOfRangeException(nameof(Search), Search.Method, "the final search must be JointBeam or CtcRescore");
        if (!Enum.IsDefined(PartialSearch)) throw new ArgumentOutOfRangeException(nameof(PartialSearch), PartialSearch, "must be CtcBeam, Attention or FullContextAttention");
        Endpoints.Validated();
        if (PartialWindowSeconds is < 1 or > 600 || double.IsNaN(PartialWindowSeconds)) throw new ArgumentOutOfRangeException(nameof(PartialWindowSeconds), PartialWindowSeconds, "must be 1–600");
        if (PartialBeam is < 1 or > 64) throw new ArgumentOutOfRangeException(nameof(PartialBeam), PartialBeam, "must be 1–64");
        if (AgreementStepSeconds is < 0.1 or > 10) throw new ArgumentOutOfRangeException(nameof(AgreementStepSeconds), AgreementStepSeconds, "must be 0.1–10");
        return this;
    }
}
