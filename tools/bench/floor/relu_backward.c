// The memory floor of a cheap backward (dx = dy where x > 0, else 0) over three float arrays of 262,144 entries (1 MiB
// each: together past the second-level cache, inside the third), written as plainly as C allows, to tell the
// kernel's overhead from the machine's (docs/performance.md, "Status of the speed targets"). Best of 400 passes.
//   gcc -O2 -mavx512f -mavx512dq -mprfchw -o /tmp/relu_floor tools/bench/floor/relu_backward.c
//   for m in 0 1 2 3 4 5; do /tmp/relu_floor $m; done
// MODE 0: two registers per iteration, ordinary stores (as the kernel's loop); 1: four registers per iteration;
// 2: 0 with the output line 2 KiB ahead prefetched for writing (PREFETCHW); 3: 0 with streaming stores;
// 4: memcpy of one array (the copy column); 5: the same copy as a loop of loads and stores.
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N 262144

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static inline __m512 gate(__m512 x, __m512 dy) { return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ), dy); }

int main(int argc, char **argv)
{
    int mode = argc > 1 ? atoi(argv[1]) : 0;
    float *x = aligned_alloc(64, N * 4), *dy = aligned_alloc(64, N * 4), *dx = aligned_alloc(64, N * 4);
    for (int i = 0; i < N; i++) { x[i] = rand() / (float)RAND_MAX - 0.5f; dy[i] = rand() / (float)RAND_MAX; dx[i] = 0; }
    double best = 1e9;
    for (int r = 0; r < 400; r++)
    {
        double t0 = now();
        switch (mode)
        {
        case 0: case 2: case 3:
            for (int i = 0; i < N; i += 32)
            {
                if (mode == 2) _m_prefetchw(dx + i + 512);
                __m512 a0 = gate(_mm512_loadu_ps(x + i), _mm512_loadu_ps(dy + i));
                __m512 a1 = gate(_mm512_loadu_ps(x + i + 16), _mm512_loadu_ps(dy + i + 16));
                if (mode == 3) { _mm512_stream_ps(dx + i, a0); _mm512_stream_ps(dx + i + 16, a1); }
                else { _mm512_storeu_ps(dx + i, a0); _mm512_storeu_ps(dx + i + 16, a1); }
            }
            if (mode == 3) _mm_sfence();
            break;
        case 1:
            for (int i = 0; i < N; i += 64)
                for (int j = 0; j < 64; j += 16) _mm512_storeu_ps(dx + i + j, gate(_mm512_loadu_ps(x + i + j), _mm512_loadu_ps(dy + i + j)));
            break;
        case 4:
            memcpy(dx, x, N * 4);
            break;
        default:
            for (int i = 0; i < N; i += 32) { _mm512_storeu_ps(dx + i, _mm512_loadu_ps(x + i)); _mm512_storeu_ps(dx + i + 16, _mm512_loadu_ps(x + i + 16)); }
            break;
        }
        double t = now() - t0;
        if (t < best) best = t;
        __asm__ volatile("" ::: "memory");
    }
    printf("mode %d: %.4f ns/element (x, dy, dx at %ld, %ld, %ld mod 4096)\n", mode, best * 1e9 / N, (long)x % 4096, (long)dy % 4096, (long)dx % 4096);
    return 0;
}
