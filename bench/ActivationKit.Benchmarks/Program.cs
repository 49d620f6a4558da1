using BenchmarkDotNet.Running;

// Detailed study of the kernels (not run in CI). Examples:
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Elementwise*'
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Elementwise*' '*Rowwise*'   # every function, with bytes allocated per call
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Placement*' --job short   # output placed at chosen distances from the input
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Streaming*' --job short   # streaming stores on and off, 8–64 MiB arrays
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Machine*' --job short      # clock and 512-bit op throughput behind the op counts
//   ACTKIT_BENCH_FUNCTIONS=sigmoid,softmax ACTKIT_BENCH_SIZES=262144 dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Elementwise*' --job short
//   ACTKIT_BENCH_FUNCTIONS=softmax,log_softmax ACTKIT_BENCH_COLUMNS=10 dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Rowwise*' --job short   # rows of 10
//   ACTKIT_BENCH_FUNCTIONS=sigmoid,gelu,relu,softmax,log_softmax ACTKIT_BENCH_SIZES=262144 ACTKIT_BENCH_COLUMNS=1000 dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Elementwise*' '*Rowwise*' --job short   # docs/performance.md's memory tables
// ACTKIT_BENCH_FUNCTIONS reaches every suite that takes functions: the element-wise suite times a row-wise function
// over one row of N and a gated one over one row of N inputs (N/2 outputs); the row-wise suite keeps the row-wise
// names, the placement and streaming suites the element-wise ones.
if (ActivationKit.Benchmarks.BenchSelection.Problem() is { } problem)
{
    Console.Error.WriteLine($"Error: {problem}");
    return 2;
}

BenchmarkSwitcher.FromAssembly(typeof(ActivationKit.Benchmarks.ElementwiseBenchmarks).Assembly).Run(args);
return 0;
