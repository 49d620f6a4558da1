using BenchmarkDotNet.Running;

// Detailed study of the kernels (not run in CI). Examples:
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*Elementwise*'
//   dotnet run -c Release --project bench/ActivationKit.Benchmarks -- --filter '*' --memory
BenchmarkSwitcher.FromAssembly(typeof(ActivationKit.Benchmarks.ElementwiseBenchmarks).Assembly).Run(args);
