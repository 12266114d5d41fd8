namespace Seq2Seq.Model.Whisper;

/// <summary>How a Whisper checkpoint is stored.</summary>
public enum WhisperLayout
{
    /// <summary>openai-whisper's <c>.pt</c>: a torch zip holding a pickled {"dims", "model_state_dict"}.</summary>
    OpenAI,
    /// <summary>whisper.cpp's ggml <c>.bin</c>: hyper-parameters, mel filters, vocabulary and tensors.</summary>
    Ggml,
    /// <summary>A Hugging Face directory: config.json, model.safetensors (or shards and their index), tokenizer files.</summary>
    HuggingFace,
}
