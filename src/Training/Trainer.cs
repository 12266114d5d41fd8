using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Seq2Seq.Model;
using Seq2Seq.Model.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Seq2Seq.Training;

/// <summary>
/// The training loop: length-bucketed batches built on a background task (bounded channel, the producer waits),
/// joint CTC/attention loss, AdamW with warm-up and 1/√step decay, gradient clipping and accumulation, validation
/// WER each epoch with early stopping, resumable checkpoints, and averaging of the last epochs into <c>final/</c>.
/// Run directory: options.json, train.log, last/ (resumable), epochs/NNN/, best/, final/.
/// </summary>
public sealed class Trainer
{
    private readonly string _run;
    private readonly TrainOptions _options;
    private readonly ITrainingMonitor _monitor;
    private readonly StreamWriter _log;
    private readonly Device _device;

    private Trainer(string runDirectory, TrainOptions options, ITrainingMonitor monitor, DeviceChoice device)
    {
        (_run, _options, _monitor, _device) = (runDirectory, options, monitor, TorchRuntime.Resolve(device));
        NativeHeap.PreferThroughput();                // a step reuses the last one's pages
        Directory.CreateDirectory(runDirectory);
        _log = new StreamWriter(Path.Combine(runDirectory, "train.log"), append: true) { AutoFlush = true };
    }

    /// <summary>Starts a new run in <paramref name="runDirectory"/> (which must not hold a run yet).</summary>
    public static Task<string> TrainAsync(string runDirectory, TrainOptions options, ITrainingMonitor monitor, CancellationToken ct,
        DeviceChoice device = DeviceChoice.Auto)
    {
        options = options.Validated();
        if (options.InitFrom is { } init && Model.Whisper.WhisperCheckpoint.Detect(init) is not null) options = options with { Family = ModelFamily.Whisper };
        if (File.Exists(Path.Combine(runDirectory, "last", "state.json")))
            throw new ArgumentException($"{runDirectory} already holds a run: use --resume to continue it, or choose a new directory");
        Directory.CreateDirectory(runDirectory);
        File.WriteAllText(Path.Combine(runDirectory, "options.json"), JsonSerializer.Serialize(SavedOptions.From(options), ModelDirectory.Json));
        return new Trainer(runDirectory, options, monitor, device).RunAsync(resume: false, ct);
    }

    /// <summary>Continues a run from its last checkpoint (model, optimizer, schedule and data position).</summary>
    public static Task<string> ResumeAsync(string runDirectory, Func<TrainOptions, TrainOptions>? overrides, ITrainingMonitor monitor,
        CancellationToken ct, DeviceChoice device = DeviceChoice.Auto)
    {
        string path = Path.Combine(runDirectory, "options.json");
        if (!File.Exists(path)) throw new InvalidOperationException($"{runDirectory}: no options.json, not a training run");
        var saved = JsonSerializer.Deserialize<SavedOptions>(File.ReadAllText(path), ModelDirectory.Json)!;
        var options = (overrides ?? (o => o))(saved.ToOptions()).Validated();
        return new Trainer(runDirectory, options, monitor, device).RunAsync(resume: true, ct);
    }

    /// <summary>options.json: the options plus the manifests (which the JSON config file does not carry).</summary>
    private sealed record SavedOptions(TrainOptions Options, List<WeightedManifest> Train, string? Valid)
    {
        public static SavedOptions From(TrainOptions o) => new(o, [.. o.Train], o.Valid);
        public TrainOptions ToOptions() => Options with { Train = Train, Valid = Valid };
    }

    private void Log(string message)
    {
        _log.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} {message}");
        _monitor.OnMessage(message);
    }

    private async Task<string> RunAsync(bool resume, CancellationToken ct)
    {
        var o = _options;
        var state = resume ? JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(Path.Combine(_run, "last", "state.json")), ModelDirectory.Json)! : new TrainerState();
        random.manual_seed(o.Seed);
        using var trainee = CreateTrainee(o, resume);
        if (trainee is SpeechModelTrainee)                                   // Whisper's trainee starts from its checkpoint itself
        {
            if (resume) trainee.Load(Path.Combine(_run, "last"));
            else if (o.InitFrom is not null) trainee.Load(o.InitFrom);
        }
        if (_device.type != DeviceType.CPU) trainee.Module.to(_device); // weights load on the CPU, then move (as inference does)
        Log($"model: {trainee.Description}, device {_device.type.ToString().ToLowerInvariant()}, {get_num_threads()} CPU threads");

        Log($"loading audio of {o.Train.Count} training manifest(s){(o.Valid is null ? "" : " and the validation manifest")}");
        var corpus = new List<Utterance>();
        var weights = new List<double>();
        foreach (var m in o.Train)
        {
            var part = await CorpusLoader.LoadAsync(Manifest.Read(m.Path), trainee.Encode, trainee.MaxUtteranceSeconds, null, ct);
            corpus.AddRange(part.Select(u => u with { Index = corpus.Count + u.Index }));
            weights.AddRange(part.Select(_ => m.Weight));
            Log($"{m.Path}: {part.Count} utterances, {part.Sum(u => u.Seconds) / 3600:F2} h, weight {m.Weight}");
        }
        var valid = o.Valid is null ? [] : await CorpusLoader.LoadAsync(Manifest.Read(o.Valid), trainee.Encode, 60, null, ct);
        if (corpus.Count == 0) throw new InvalidDataException("no usable training utterances");

        var optimizer = optim.AdamW(trainee.Module.parameters().Where(p => p.requires_grad), o.LearningRate, 0.9, 0.98, 1e-9, o.WeightDecay);
        if (resume) optimizer.load_state_dict(Path.Combine(_run, "last", "optimizer.bin"));

        var planner = new BatchPlanner(corpus, weights, o);
        var clock = Stopwatch.StartNew();
        double priorSeconds = state.ElapsedSeconds;
        var lastCheckpoint = clock.Elapsed;
        string Elapsed() => TimeSpan.FromSeconds(priorSeconds + clock.Elapsed.TotalSeconds).ToString(@"hh\:mm\:ss");
        bool TimeUp() => o.MaxMinutes is { } max && priorSeconds + clock.Elapsed.TotalSeconds >= max * 60;

        for (int epoch = state.Epoch; epoch < o.Epochs && !TimeUp(); epoch++)
        {
            var plan = trainee.Plan(planner, epoch);
            int start = epoch == state.Epoch ? state.BatchInEpoch : 0;
            var batches = Channel.CreateBounded<Batch>(new BoundedChannelOptions(4)
            {
                FullMode = BoundedChannelFullMode.Wait, // training data is never dropped; the producer waits
                SingleReader = true, SingleWriter = true,
            });
            using var stopProducer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var producer = Task.Run(async () =>
            {
                Exception? error = null;
                try { for (int i = start; i < plan.Count; i++) await batches.Writer.WriteAsync(trainee.Build(planner, plan[i]), stopProducer.Token); }
                catch (Exception e) { error = e; }
                finally { batches.Writer.TryComplete(error); }
            }, CancellationToken.None);

            trainee.Module.train();
            double audio = 0;
            var epochClock = Stopwatch.StartNew();
            int index = start;
            try
            {
                await foreach (var batch in batches.Reader.ReadAllAsync(ct))
                {
                    long step = state.Step + 1;
                    var (loss, ctcLoss, attLoss) = TrainStep(trainee, optimizer, batch, o, step, index);
                    state = state with { Step = step, BatchInEpoch = ++index };
                    audio += batch.AudioSeconds;
                    double rate = audio / epochClock.Elapsed.TotalSeconds;
                    // ETA: to the time limit when one is set, else to the end of this epoch.
                    var remaining = o.MaxMinutes is { } max
                        ? TimeSpan.FromSeconds(Math.Max(0, max * 60 - priorSeconds - clock.Elapsed.TotalSeconds))
                        : epochClock.Elapsed / (index - start) * (plan.Count - index);
                    _monitor.OnStep(new StepReport(epoch + 1, index, plan.Count, step, loss, ctcLoss, attLoss,
                        LearningRateSchedule.At(step, o.LearningRate, o.WarmupSteps), rate, clock.Elapsed, remaining));
                    if (step % 50 == 0)
                        _log.WriteLine($"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} epoch {epoch + 1} batch {index}/{plan.Count} step {step} loss {loss:F3} ctc {ctcLoss:F3} att {attLoss:F3} lr {LearningRateSchedule.At(step, o.LearningRate, o.WarmupSteps):E2} audio-s/s {rate:F1}");
                    if ((clock.Elapsed - lastCheckpoint).TotalMinutes >= o.CheckpointMinutes)
                    {
                        SaveLast(trainee, optimizer, state with { Epoch = epoch, ElapsedSeconds = priorSeconds + clock.Elapsed.TotalSeconds });
                        lastCheckpoint = clock.Elapsed;
                        Log($"checkpoint at step {step} ({Elapsed()})");
                    }
                    if (TimeUp()) break;
                }
            }
            finally
            {
                stopProducer.Cancel();
                try { await producer; } catch (OperationCanceledException) { }
            }
            if (index < plan.Count) // stopped by the time limit mid-epoch
            {
                SaveLast(trainee, optimizer, state with { Epoch = epoch, ElapsedSeconds = priorSeconds + clock.Elapsed.TotalSeconds });
                Log($"time limit reached at step {state.Step}, epoch {epoch + 1} batch {index}/{plan.Count}; saved for --resume");
                break;
            }

            var (wer, cer) = Validate(trainee, valid);
            bool best = wer < state.BestWer;
            string epochDir = Path.Combine(_run, "epochs", $"{epoch + 1:D3}");
            trainee.Save(epochDir, half: false);
            var kept = state.EpochCheckpoints.Append(epochDir).ToList();
            foreach (var old in kept.Take(Math.Max(0, kept.Count - o.AverageLast))) Directory.Delete(old, recursive: true);
            kept = kept.TakeLast(o.AverageLast).ToList();
            if (best) trainee.Save(Path.Combine(_run, "best"), o.Float16Models);
            state = state with
            {
                Epoch = epoch + 1, BatchInEpoch = 0, BestWer = best ? wer : state.BestWer, EpochCheckpoints = kept,
                EpochsWithoutImprovement = best ? 0 : state.EpochsWithoutImprovement + 1,
                ElapsedSeconds = priorSeconds + clock.Elapsed.TotalSeconds,
            };
            SaveLast(trainee, optimizer, state);
            lastCheckpoint = clock.Elapsed;
            _monitor.OnEpoch(new EpochReport(epoch + 1, state.Step, wer, cer, best, clock.Elapsed));
            Log($"epoch {epoch + 1} step {state.Step}: {Scores(wer, cer)}{(best ? " (best)" : "")} after {Elapsed()}");
            if (state.EpochsWithoutImprovement >= o.Patience) { Log($"early stop: no better validation WER for {o.Patience} epochs"); break; }
        }

        string final = Path.Combine(_run, "final");
        if (state.EpochCheckpoints.Count > 0)
        {
            Average(trainee, state.EpochCheckpoints);
            var (wer, cer) = Validate(trainee, valid);
            trainee.Save(final, o.Float16Models);
            Log($"final: average of the last {state.EpochCheckpoints.Count} epoch(s): {Scores(wer, cer)} -> {final}");
        }
        else
        {
            trainee.Save(final, o.Float16Models);
            Log($"final: no complete epoch yet; saved the current weights -> {final}");
        }
        return final;
    }

    private static string Scores(double wer, double cer) => double.IsNaN(wer) ? "no validation manifest" : $"valid WER {wer:P2} CER {cer:P2}";

    private (double Loss, double Ctc, double Att) TrainStep(ITrainee trainee, TorchSharp.Modules.AdamW optimizer, Batch batch,
        TrainOptions o, long step, int index)
    {
        using var scope = NewDisposeScope();
        random.manual_seed(Seeds.Mix(o.Seed, step)); // dropout is reproducible across --resume
        var terms = trainee.Loss(batch, step);
        (terms.Total / o.AccumulateGradients).backward();
        if (index % o.AccumulateGradients == 0)
        {
            nn.utils.clip_grad_norm_(trainee.Module.parameters().Where(p => p.requires_grad), o.GradientClip);
            foreach (var group in optimizer.ParamGroups) group.LearningRate = LearningRateSchedule.At(step, o.LearningRate, o.WarmupSteps);
            optimizer.step();
            optimizer.zero_grad();
        }
        return (terms.Total.item<float>(), terms.Ctc.item<float>(), terms.Attention.item<float>());
    }

    private static (double Wer, double Cer) Validate(ITrainee trainee, List<Utterance> valid) =>
        valid.Count == 0 ? (double.NaN, double.NaN) : trainee.Validate(valid);

    private void SaveLast(ITrainee trainee, TorchSharp.Modules.AdamW optimizer, TrainerState state)
    {
        string last = Path.Combine(_run, "last");
        trainee.Save(last, half: false);
        optimizer.save_state_dict(Path.Combine(last, "optimizer.bin"));
        File.WriteAllText(Path.Combine(last, "state.json"), JsonSerializer.Serialize(state, ModelDirectory.Json));
    }

    /// <summary>Replaces the model's weights by the mean of the checkpoints' weights.</summary>
    private static void Average(ITrainee trainee, IReadOnlyList<string> directories)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var sum = trainee.Module.state_dict().ToDictionary(kv => kv.Key, kv => zeros_like(kv.Value));
        foreach (var dir in directories)
        {
            trainee.Load(dir);
            foreach (var (name, value) in trainee.Module.state_dict()) sum[name].add_(value);
        }
        foreach (var (name, value) in trainee.Module.state_dict()) value.copy_(sum[name] / directories.Count);
    }

    /// <summary>The family's trainee: Whisper when asked for or when starting from a Whisper checkpoint, else ours
    /// (its tokenizer prepared first: copied from --init, characters, or a SentencePiece model trained on the transcripts).</summary>
    private ITrainee CreateTrainee(TrainOptions o, bool resume)
    {
        if (o.Family == ModelFamily.Whisper)
        {
            if (!resume && o.InitFrom is not null) Log($"fine-tuning the Whisper checkpoint {o.InitFrom}: its sizes and tokenizer are used");
            return WhisperTrainee.Create(o, resume ? Path.Combine(_run, "last") : null);
        }
        var (tokenizer, file, config) = PrepareTokenizer(o, resume);
        return new SpeechModelTrainee(new SpeechModel(config), tokenizer, file, o, _device);
    }

    private (ITokenizer Tokenizer, string? File, ModelConfig Config) PrepareTokenizer(TrainOptions o, bool resume)
    {
        if (o.InitFrom is not null && !resume)
        {
            var initConfig = ModelDirectory.ReadConfig(o.InitFrom);
            var initTokenizer = ModelDirectory.LoadTokenizer(o.InitFrom, initConfig);
            Log($"warm start from {o.InitFrom}: its architecture and tokenizer are used");
            string? file = initConfig.TokenizerFile is null ? null : Path.Combine(o.InitFrom, initConfig.TokenizerFile);
            if (file is not null) File.Copy(file, Path.Combine(_run, initConfig.TokenizerFile!), overwrite: true);
            return (initTokenizer, file is null ? null : Path.Combine(_run, initConfig.TokenizerFile!), initConfig);
        }
        if (o.Model.Tokenizer == TokenizerKind.Characters)
        {
            var chars = new CharTokenizer();
            return (chars, null, o.Model with { VocabSize = chars.VocabSize });
        }
        string model = Path.Combine(_run, "tokenizer.model");
        if (!File.Exists(model))
        {
            Log($"training a SentencePiece unigram tokenizer ({o.SentencePieceVocab} pieces) on the training transcripts");
            var text = o.Train.SelectMany(m => Manifest.Read(m.Path)).Select(e => e.Transcript);
            if (o.SentencePieceText is { } extra) text = text.Concat(File.ReadLines(extra));
            SentencePieceTrainer.Train(text.Select(TextNormalizer.Normalize), Path.Combine(_run, "tokenizer"), o.SentencePieceVocab);
        }
        var sp = new SentencePieceTokenizer(model);
        return (sp, model, o.Model with { VocabSize = sp.VocabSize, TokenizerFile = "tokenizer.model" });
    }
}
