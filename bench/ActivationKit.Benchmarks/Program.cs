using BenchmarkDotNet.Running;

// Detailed study of the kernels (not run in CI). Examples:
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Elementwise*'
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*' --memory
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Placement*' --job short   # output placed at chosen distances from the input
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Streaming*' --job short   # streaming stores on and off, 8–64 MiB arrays
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Machine*' --job short      # clock and 512-bit op throughput behind the op counts
//   ACTKIT_BENCH_FUNCTIONS=sigmoid,softmax ACTKIT_BENCH_SIZES=262144 dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*' --job short
//   ACTKIT_BENCH_FUNCTIONS=softmax,log_softmax ACTKIT_BENCH_COLUMNS=10 dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Rowwise*' --job short   # rows of 10
BenchmarkSwitcher.FromAssembly(typeof(ActivationKit.Benchmarks.ElementwiseBenchmarks).Assembly).Run(args);
