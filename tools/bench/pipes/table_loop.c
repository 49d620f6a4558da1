// A C model of mish's float forward loop (src/ActivationKit/Functions/Mish.cs, ForwardTable): per 16 floats the
// interval number k = round(0.4·(x + 1.5·clamp(x, ±2.48))) by VRANGE and two multiply-adds, the expansion point and nine
// coefficients looked up by k (VPERMPS), u = x − c_k, degree-8 Horner, the store and the driver's running maximum of
// |x|'s bits. Variants (-DMODE=…) change one thing each, to see what the loop's time is made of (the coefficients are
// placeholders: only the timing means anything):
//   0  the kernel's form
//   1  the nine coefficient lookups replaced by plain loads (no VPERMPS but the expansion point's)
//   2  one lookup and one multiply-add fewer (degree 7)
//   3  the top two coefficients from one lookup (the top one in the low 16 bits, a shift instead of a lookup)
//   4  32 intervals of width 1 (k = round(x) by one addition, VPERMT2PS lookups, u = x − (k + S − S))
//   5  the tables held in registers instead of memory operands
//   6  the lookups indexed by x's bits directly: the same operations, the interval number off the chain
//   7  k = min(max(x + S, 0.4x + S − b), 0.4x + S + b) (five operations, three of them side by side)
//   8  the top four coefficients in Estrin's form (one multiplication more, two multiply-adds shallower)
//
//   gcc -O2 -mavx512f -mavx512dq -DMODE=0 -o /tmp/table_loop tools/bench/pipes/table_loop.c && /tmp/table_loop 262144 3000
//
// prints the best ns/element over the repetitions (alternate modes in one shell loop: the host's speed drifts).
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#ifndef MODE
#define MODE 0
#endif

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float coefficients[10][16] __attribute__((aligned(64)));
static float upper[10][16] __attribute__((aligned(64)));   // MODE 4: entries 16..31
static float centres[16] __attribute__((aligned(64)));

__attribute__((noinline)) static void run(const float *x, float *y, long n, __m512i *keys)
{
    const __m512 limit = _mm512_set1_ps(2.48f), ratio = _mm512_set1_ps(1.5f), slope = _mm512_set1_ps(0.4f);
    const __m512 shift = _mm512_set1_ps(12582912.0f);
    const __m512i magnitude = _mm512_set1_epi32(0x7fffffff);
    __m512i high = _mm512_setzero_si512();
#if MODE == 5
    __m512 held[10];
    for (int j = 0; j < 10; j++) held[j] = _mm512_load_ps(coefficients[j]);
#endif
    for (long i = 0; i < n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
#if MODE == 7
        __m512 lo = _mm512_fmadd_ps(v, slope, _mm512_set1_ps(12582912.0f - 2.0f));
        __m512 hi = _mm512_fmadd_ps(v, slope, _mm512_set1_ps(12582912.0f + 1.0f));
        __m512 k = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(v, shift), lo), hi);
        __m512i index = _mm512_castps_si512(k);
#elif MODE == 4
        __m512 k = _mm512_add_ps(v, shift);
        __m512i index = _mm512_castps_si512(k);
#else
        __m512 k = _mm512_range_ps(v, limit, 2);
        k = _mm512_fmadd_ps(_mm512_fmadd_ps(k, ratio, v), slope, shift);
#if MODE == 6
        __m512i index = _mm512_castps_si512(v);
        high = _mm512_max_epu32(high, _mm512_castps_si512(k));   // keeps k's operations alive
#else
        __m512i index = _mm512_castps_si512(k);
#endif
#endif
#if MODE == 5
#define LOOKUP(j) _mm512_permutexvar_ps(index, held[j])
#elif MODE == 4
#define LOOKUP(j) _mm512_permutex2var_ps(_mm512_load_ps(coefficients[j]), index, _mm512_load_ps(upper[j]))
#elif MODE == 1
#define LOOKUP(j) _mm512_load_ps(coefficients[j])
#else
#define LOOKUP(j) _mm512_permutexvar_ps(index, _mm512_load_ps(coefficients[j]))
#endif
#if MODE == 4
        __m512 u = _mm512_sub_ps(v, _mm512_sub_ps(k, shift));
#else
        __m512 u = _mm512_sub_ps(v, _mm512_permutexvar_ps(index, _mm512_load_ps(centres)));
#endif
#if MODE == 8
        __m512 g = _mm512_fmadd_ps(_mm512_fmadd_ps(LOOKUP(0), u, LOOKUP(1)), _mm512_mul_ps(u, u),
                                   _mm512_fmadd_ps(LOOKUP(2), u, LOOKUP(3)));
#else
#if MODE == 3
        __m512 pair = LOOKUP(1);
        __m512 g = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(pair), 16)), u, pair);
#else
        __m512 g = _mm512_fmadd_ps(LOOKUP(0), u, LOOKUP(1));
#endif
        g = _mm512_fmadd_ps(g, u, LOOKUP(2));
        g = _mm512_fmadd_ps(g, u, LOOKUP(3));
#endif
        for (int j = 4; j < (MODE == 2 ? 9 : 10); j++) g = _mm512_fmadd_ps(g, u, LOOKUP(j));
        _mm512_storeu_ps(y + i, g);
        high = _mm512_max_epu32(high, _mm512_and_si512(_mm512_castps_si512(v), magnitude));
    }
    *keys = high;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 262144;
    int reps = argc > 2 ? atoi(argv[2]) : 3000;
    if (n < 16 || n % 16 != 0 || reps < 1) {
        fprintf(stderr, "usage: %s [N, a multiple of 16] [REPETITIONS]\n", argv[0]);
        return 2;
    }
    float *x = aligned_alloc(64, n * sizeof(float)), *y = aligned_alloc(64, n * sizeof(float));
    srand(1);
    for (long i = 0; i < n; i++) {
        x[i] = (rand() / (float)RAND_MAX - 0.5f) * 12;
        y[i] = 0;
    }
    for (int j = 0; j < 10; j++)
        for (int l = 0; l < 16; l++) coefficients[j][l] = upper[j][l] = 0.01f * (j + 1) * (l + 1) / 16;
    for (int l = 0; l < 16; l++) centres[l] = l * 0.1f;
    __m512i keys;
    double best = 1e9;
    for (int r = 0; r < reps; r++) {
        double t = now();
        run(x, y, n, &keys);
        t = now() - t;
        if (t < best) best = t;
    }
    printf("mode %d, n %ld: %.4f ns/element\n", MODE, n, best * 1e9 / n);
    free(x);
    free(y);
    return 0;
}
