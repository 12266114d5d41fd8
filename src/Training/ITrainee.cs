using Seq2Seq.Model;
using TorchSharp;

namespace Seq2Seq.Training;

/// <summary>
/// What the one training loop (<see cref="Trainer"/>) needs of a model family: its tokens, its epoch plan and batches,
/// its loss, validation, and its files. Our encoder-decoders (<see cref="SpeechModelTrainee"/>) and Whisper-architecture
/// models (<see cref="WhisperTrainee"/>) implement it; schedule, clipping, checkpoints, early stopping and averaging are shared.
/// </summary>
internal interface ITrainee : IDisposable
{
    /// <summary>The network whose parameters are trained.</summary>
    torch.nn.Module Module { get; }

    /// <summary>One line for the log: architecture, size, vocabulary.</summary>
    string Description { get; }

    /// <summary>Longest utterance the family trains on, in seconds.</summary>
    double MaxUtteranceSeconds { get; }

    /// <summary>Token ids of a normalised transcript.</summary>
    int[] Encode(string text);

    /// <summary>The batches of an epoch (deterministic in the seed and the epoch).</summary>
    List<BatchPlanner.Item[]> Plan(BatchPlanner planner, int epoch);

    /// <summary>Features and targets of a planned batch (runs on the producer thread).</summary>
    Batch Build(BatchPlanner planner, BatchPlanner.Item[] items);

    /// <summary>The loss of a batch (train mode, gradients recorded).</summary>
    LossTerms Loss(Batch batch, long step);

    /// <summary>Greedy WER and CER on the validation utterances.</summary>
    (double Wer, double Cer) Validate(IReadOnlyList<Utterance> valid);

    /// <summary>Writes the model as a loadable model (float16 weights when <paramref name="half"/>).</summary>
    void Save(string directory, bool half);

    /// <summary>Loads weights written by <see cref="Save"/> into the network.</summary>
    void Load(string directory);
}
