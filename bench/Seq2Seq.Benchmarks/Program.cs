using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Seq2Seq.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
