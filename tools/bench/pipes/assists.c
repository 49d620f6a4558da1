// Which 512-bit float operations take a microcode assist when an operand or the result is subnormal, or when the
// result underflows to 0: each line times eight independent instances of one operation (inputs laundered through an
// empty asm so nothing is hoisted) and prints TSC ticks per operation. A normal operation takes well under 2 ticks;
// an assisted one some 70-130 (Intel Emerald Rapids, 2026-12-05: a multiply, FMA, addition or division whose result is
// subnormal, a multiply or FMA with a subnormal operand whose result is not 0, and VSCALEF whose result is subnormal or
// 0; not an addition with a subnormal operand, a multiply underflowing straight to 0, nor a double-to-float conversion
// with a subnormal or zero result).
//   gcc -O2 -mavx512f -o /tmp/assists tools/bench/pipes/assists.c && /tmp/assists
#include <immintrin.h>
#include <stdio.h>
#include <x86intrin.h>

#define REPS 4000000L
#define TIME(label, type, init, expr)                                                        \
    {                                                                                        \
        type a[8];                                                                           \
        for (int i = 0; i < 8; i++) a[i] = init;                                             \
        unsigned long long start = __rdtsc();                                                \
        for (long i = 0; i < REPS / 8; i++)                                                  \
            for (int k = 0; k < 8; k++) {                                                    \
                __asm__ volatile("" : "+v"(a[k]));                                           \
                __auto_type r = expr(a[k]);                                                  \
                __asm__ volatile("" ::"v"(r));                                               \
            }                                                                                \
        printf("%-52s %7.2f\n", label, (double)(__rdtsc() - start) / REPS);                  \
    }

#define MUL_SELF(x) _mm512_mul_ps(x, x)
#define MUL_HALF(x) _mm512_mul_ps(x, _mm512_set1_ps(0.5f))
#define MUL_BIG(x) _mm512_mul_ps(x, _mm512_set1_ps(1e10f))
#define ADD_ONE(x) _mm512_add_ps(x, _mm512_set1_ps(1.0f))
#define ADD_NEG(x) _mm512_add_ps(x, _mm512_set1_ps(-1.4e-38f))
#define FMA_ONE(x) _mm512_fmadd_ps(x, _mm512_set1_ps(1.0f), _mm512_set1_ps(1.0f))
#define FMA_TINY(x) _mm512_fmadd_ps(x, _mm512_set1_ps(1e-18f), _mm512_setzero_ps())
#define DIV_BIG(x) _mm512_div_ps(x, _mm512_set1_ps(1e10f))
#define SCALE_M10(x) _mm512_scalef_ps(x, _mm512_set1_ps(-10.0f))
#define SCALE_M140(x) _mm512_scalef_ps(x, _mm512_set1_ps(-140.0f))
#define SCALE_M200(x) _mm512_scalef_ps(x, _mm512_set1_ps(-200.0f))
#define TO_FLOAT(x) _mm512_cvtpd_ps(x)
#define TO_INT(x) _mm512_cvtps_epi32(x)

int main(void)
{
    printf("%-52s %7s\n", "operation (8 independent, TSC ticks each)", "ticks");
    TIME("warm-up", __m512, _mm512_set1_ps(1.5f), MUL_SELF)
    TIME("mul 1.5*1.5", __m512, _mm512_set1_ps(1.5f), MUL_SELF)
    TIME("mul 1e-20*1e-20 (subnormal result)", __m512, _mm512_set1_ps(1e-20f), MUL_SELF)
    TIME("mul 1e-30*1e-30 (underflow to 0)", __m512, _mm512_set1_ps(1e-30f), MUL_SELF)
    TIME("mul 1e-40*1e-40 (subnormal operands)", __m512, _mm512_set1_ps(1e-40f), MUL_SELF)
    TIME("mul 1e-40*0.5 (subnormal operand and result)", __m512, _mm512_set1_ps(1e-40f), MUL_HALF)
    TIME("mul 1e-40*1e10 (subnormal operand, normal result)", __m512, _mm512_set1_ps(1e-40f), MUL_BIG)
    TIME("add 1e-40 + 1 (subnormal operand)", __m512, _mm512_set1_ps(1e-40f), ADD_ONE)
    TIME("add 1.5e-38 - 1.4e-38 (subnormal result)", __m512, _mm512_set1_ps(1.5e-38f), ADD_NEG)
    TIME("add 1 - 1.4e-38", __m512, _mm512_set1_ps(1.0f), ADD_NEG)
    TIME("fma 1e-40*1 + 1 (subnormal operand)", __m512, _mm512_set1_ps(1e-40f), FMA_ONE)
    TIME("fma 1e-20*1e-18 + 0 (subnormal result)", __m512, _mm512_set1_ps(1e-20f), FMA_TINY)
    TIME("fma 1e-10*1e-18 + 0", __m512, _mm512_set1_ps(1e-10f), FMA_TINY)
    TIME("div 1e-30/1e10 (subnormal result)", __m512, _mm512_set1_ps(1e-30f), DIV_BIG)
    TIME("div 1.5/1e10", __m512, _mm512_set1_ps(1.5f), DIV_BIG)
    TIME("vscalef 1.5 by -10", __m512, _mm512_set1_ps(1.5f), SCALE_M10)
    TIME("vscalef 1.5 by -140 (subnormal result)", __m512, _mm512_set1_ps(1.5f), SCALE_M140)
    TIME("vscalef 1.5 by -200 (0)", __m512, _mm512_set1_ps(1.5f), SCALE_M200)
    TIME("vscalef 0 by -200", __m512, _mm512_set1_ps(0.0f), SCALE_M200)
    TIME("cvtpd2ps 1.5", __m512d, _mm512_set1_pd(1.5), TO_FLOAT)
    TIME("cvtpd2ps 1e-40 (subnormal float)", __m512d, _mm512_set1_pd(1e-40), TO_FLOAT)
    TIME("cvtpd2ps 1e-50 (0)", __m512d, _mm512_set1_pd(1e-50), TO_FLOAT)
    TIME("cvtps2dq 12345.6", __m512, _mm512_set1_ps(12345.6f), TO_INT)
    return 0;
}
