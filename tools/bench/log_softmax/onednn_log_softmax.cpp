// oneDNN (Debian libdnnl-dev 2.6) log-softmax over the rows of a ROWS x COLS float32 matrix, one thread, for the
// side-by-side table (the anchors in ../shared/anchors time oneDNN's softmax only).
// Build: g++ -O2 -std=c++17 -o OUT onednn_log_softmax.cpp -ldnnl
// Usage: OMP_NUM_THREADS=1 OUT ROWS COLS [REPS]  ->  one JSON line with the best time in ns per element.
// Inputs: Normal(0, 3) from std::mt19937 seeded with 1, as the anchors use.
#include <oneapi/dnnl/dnnl.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: onednn_log_softmax ROWS COLS [REPS]\n");
        return 2;
    }
    const long rows = std::atol(argv[1]);
    const long cols = std::atol(argv[2]);
    const int reps = argc > 3 ? std::atoi(argv[3]) : 20;
    if (rows <= 0 || cols <= 0 || reps <= 0) {
        std::fprintf(stderr, "ROWS, COLS and REPS must be positive\n");
        return 2;
    }

    using namespace dnnl;
    engine cpu(engine::kind::cpu, 0);
    stream strm(cpu);
    memory::desc layout({rows, cols}, memory::data_type::f32, memory::format_tag::ab);
    std::vector<float> in(rows * cols), out(rows * cols);
    std::mt19937 gen(1);
    std::normal_distribution<float> normal(0.f, 3.f);
    for (float& v : in) v = normal(gen);
    memory src(layout, cpu, in.data()), dst(layout, cpu, out.data());

    // softmax_v2 with the softmax_log algorithm (oneDNN's log-softmax since 2.6), axis 1.
    auto desc = softmax_v2_forward::desc(prop_kind::forward_inference, algorithm::softmax_log, layout, layout, 1);
    softmax_v2_forward prim(softmax_v2_forward::primitive_desc(desc, cpu));
    auto call = [&] {
        prim.execute(strm, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}});
        strm.wait();
    };

    call();
    double best = 1e300;
    for (int r = 0; r < reps; r++) {
        auto t0 = std::chrono::steady_clock::now();
        call();
        auto t1 = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count());
    }

    std::printf("{\"impl\":\"onednn\",\"fn\":\"log_softmax\",\"dir\":\"fwd\",\"rows\":%ld,\"cols\":%ld,\"ns_per_elem\":%.4f}\n",
                rows, cols, best / (rows * cols));
    return 0;
}
