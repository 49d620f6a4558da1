// How the length of each register's dependency chain limits a loop's throughput on this core.
//
// Every "register" (16 floats) goes through F dependent-or-parallel multiply-adds; registers are independent of each
// other, as in the element-wise kernels. With one chain per register the chain's latency is 4F cycles, and the
// out-of-order window must hold several registers' operations to keep the multiply-add pipes busy; splitting the same
// F operations into two or four parallel chains shortens the latency without changing the count.
//
// Build and run: gcc -O2 -mavx512f -o /tmp/chains tools/bench/pipes/chains.c && /tmp/chains
// Prints nanoseconds per register (best of 50 passes over 4096 registers in L1/L2) and per multiply-add.
#include <immintrin.h>
#include <stdio.h>
#include <time.h>

#define N 4096
static float in[N * 16] __attribute__((aligned(64)));
static float out[N * 16] __attribute__((aligned(64)));

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

#define STEP(v) v = _mm512_fmadd_ps(v, a, b)

// One chain of f multiply-adds per register.
static double one_chain(int f)
{
    double best = 1e30;
    for (int rep = 0; rep < 50; rep++) {
        double t0 = now();
        for (int i = 0; i < N; i++) {
            __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
            __m512 x = _mm512_load_ps(in + 16 * i);
            for (int k = 0; k < f; k++) STEP(x);
            _mm512_store_ps(out + 16 * i, x);
        }
        double t = now() - t0;
        if (t < best) best = t;
    }
    return best / N;
}

// The same f multiply-adds as two chains of f/2 (plus one addition to join them).
static double two_chains(int f)
{
    double best = 1e30;
    for (int rep = 0; rep < 50; rep++) {
        double t0 = now();
        for (int i = 0; i < N; i++) {
            __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
            __m512 x = _mm512_load_ps(in + 16 * i);
            __m512 y = _mm512_add_ps(x, b);
            for (int k = 0; k < f / 2; k++) { STEP(x); STEP(y); }
            _mm512_store_ps(out + 16 * i, _mm512_add_ps(x, y));
        }
        double t = now() - t0;
        if (t < best) best = t;
    }
    return best / N;
}

// As four chains of f/4.
static double four_chains(int f)
{
    double best = 1e30;
    for (int rep = 0; rep < 50; rep++) {
        double t0 = now();
        for (int i = 0; i < N; i++) {
            __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(0.001f);
            __m512 x = _mm512_load_ps(in + 16 * i);
            __m512 y = _mm512_add_ps(x, b), z = _mm512_sub_ps(x, b), w = _mm512_mul_ps(x, a);
            for (int k = 0; k < f / 4; k++) { STEP(x); STEP(y); STEP(z); STEP(w); }
            _mm512_store_ps(out + 16 * i, _mm512_add_ps(_mm512_add_ps(x, y), _mm512_add_ps(z, w)));
        }
        double t = now() - t0;
        if (t < best) best = t;
    }
    return best / N;
}

int main(void)
{
    for (int i = 0; i < N * 16; i++) in[i] = i * 1e-4f;
    printf("multiply-adds per register | one chain: ns/register (ns/fma) | two chains | four chains\n");
    int sizes[] = { 8, 16, 24, 32, 40, 48, 64 };
    for (unsigned s = 0; s < sizeof sizes / sizeof *sizes; s++) {
        int f = sizes[s];
        double c1 = one_chain(f), c2 = two_chains(f), c4 = four_chains(f);
        printf("%3d | %6.2f (%.3f) | %6.2f (%.3f) | %6.2f (%.3f)\n", f, c1, c1 / f, c2, c2 / f, c4, c4 / f);
    }
    return 0;
}
