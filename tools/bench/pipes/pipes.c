// Which vector pipes an AVX-512 instruction competes for: each test runs eight independent 512-bit multiply-adds
// per iteration beside eight independent instances of another instruction, and prints cycles per iteration at the
// given clock. 8 cycles means the instruction ran beside the multiply-adds; 16 means it took a multiply-add slot.
// The second column pairs the instruction with eight additions instead (8: beside them, 16: an addition slot).
//
//   gcc -O2 -mavx512f -mavx512dq -o /tmp/pipes tools/bench/pipes/pipes.c && /tmp/pipes [GHz]
//
// Without GHz the clock is measured first, from a chain of dependent integer additions (one cycle each on every x86
// core), and printed. The 8/16 reading above is Zen 4's (each 512-bit operation takes a 256-bit pipe for two cycles,
// so eight multiply-adds take 8 cycles); on Zen 5, whose pipes are 512 bits wide, the same lines read 4 and 8.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

#define ITERATIONS 20000000L
#define FMA8 \
    "vfmadd231ps %%zmm30,%%zmm31,%%zmm0\n vfmadd231ps %%zmm30,%%zmm31,%%zmm1\n" \
    "vfmadd231ps %%zmm30,%%zmm31,%%zmm2\n vfmadd231ps %%zmm30,%%zmm31,%%zmm3\n" \
    "vfmadd231ps %%zmm30,%%zmm31,%%zmm4\n vfmadd231ps %%zmm30,%%zmm31,%%zmm5\n" \
    "vfmadd231ps %%zmm30,%%zmm31,%%zmm6\n vfmadd231ps %%zmm30,%%zmm31,%%zmm7\n"
#define ADD8 \
    "vaddps %%zmm30,%%zmm31,%%zmm0\n vaddps %%zmm30,%%zmm31,%%zmm1\n vaddps %%zmm30,%%zmm31,%%zmm2\n" \
    "vaddps %%zmm30,%%zmm31,%%zmm3\n vaddps %%zmm30,%%zmm31,%%zmm4\n vaddps %%zmm30,%%zmm31,%%zmm5\n" \
    "vaddps %%zmm30,%%zmm31,%%zmm6\n vaddps %%zmm30,%%zmm31,%%zmm7\n"
#define X8(ins) ins("8") ins("9") ins("10") ins("11") ins("12") ins("13") ins("14") ins("15")
#define SETUP \
    "vxorps %%zmm30,%%zmm30,%%zmm30\n vxorps %%zmm31,%%zmm31,%%zmm31\n vmovaps %%zmm30,%%zmm20\n" \
    "vmovaps %%zmm30,%%zmm21\n mov $0x5555,%%eax\n kmovw %%eax,%%k1\n"
#define CLOBBERS "eax", "memory", "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5", "zmm6", "zmm7", "zmm8", "zmm9", \
    "zmm10", "zmm11", "zmm12", "zmm13", "zmm14", "zmm15", "zmm20", "zmm21", "zmm30", "zmm31", "k1", "k2"
#define TIME(BODY, out) do { \
        long it = ITERATIONS; double start = now(); \
        __asm__ volatile(SETUP "1:\n" BODY "dec %0\n jnz 1b\n" : "+r"(it) : : CLOBBERS); \
        out = (now() - start) * ghz * 1e9 / ITERATIONS; \
    } while (0)
#define TEST(name, INS) do { double f, a; TIME(FMA8 X8(INS), f); TIME(ADD8 X8(INS), a); \
        printf("%-34s %6.2f %6.2f\n", name, f, a); } while (0)

#define MUL(r) "vmulps %%zmm20,%%zmm21,%%zmm" r "\n"
#define ADD(r) "vaddps %%zmm20,%%zmm21,%%zmm" r "\n"
#define CMP(r) "vcmpltps %%zmm20,%%zmm21,%%k2\n"
#define PCMP(r) "vpcmpgtd %%zmm20,%%zmm21,%%k2\n"
#define BLEND(r) "vblendmps %%zmm20,%%zmm21,%%zmm" r "%{%%k1%}\n"
#define TERN(r) "vpternlogd $0x96,%%zmm20,%%zmm21,%%zmm" r "\n"
#define SCALEF(r) "vscalefps %%zmm20,%%zmm21,%%zmm" r "\n"
#define RANGE(r) "vrangeps $14,%%zmm20,%%zmm21,%%zmm" r "\n"
#define RND(r) "vrndscaleps $0,%%zmm20,%%zmm" r "\n"
#define FIX(r) "vfixupimmps $0,%%zmm20,%%zmm21,%%zmm" r "\n"
#define AND(r) "vandps %%zmm20,%%zmm21,%%zmm" r "\n"
#define SLL(r) "vpslld $23,%%zmm20,%%zmm" r "\n"
#define SRA(r) "vpsrad $31,%%zmm20,%%zmm" r "\n"
#define PADD(r) "vpaddd %%zmm20,%%zmm21,%%zmm" r "\n"
#define PMAXU(r) "vpmaxud %%zmm20,%%zmm21,%%zmm" r "\n"
#define MAX(r) "vmaxps %%zmm20,%%zmm21,%%zmm" r "\n"
#define CVT(r) "vcvtdq2ps %%zmm20,%%zmm" r "\n"
#define GETEXP(r) "vgetexpps %%zmm20,%%zmm" r "\n"
#define RCP(r) "vrcp14ps %%zmm20,%%zmm" r "\n"
#define FPCLASS(r) "vfpclassps $0x40,%%zmm20,%%k2\n"
#define PERM(r) "vpermps %%zmm20,%%zmm21,%%zmm" r "\n"
#define PERMT2(r) "vpermt2ps %%zmm20,%%zmm21,%%zmm" r "\n"
#define BCAST(r) "vbroadcastss (%%rsp),%%zmm" r "\n"

// The clock: 1000 dependent integer additions per iteration take 1000 cycles.
static double measured_ghz(void)
{
    long it = 200000;
    double start = now();
    __asm__ volatile("xor %%eax,%%eax\n 1:\n .rept 1000\n add $1,%%rax\n .endr\n dec %0\n jnz 1b\n" : "+r"(it) : : "rax");
    return 1000.0 * 200000 / ((now() - start) * 1e9);
}

int main(int argc, char **argv)
{
    char *end = NULL;
    double given = argc == 2 ? strtod(argv[1], &end) : 0;
    if (argc > 2 || (argc == 2 && (end == argv[1] || *end != '\0' || !(given > 0 && given < 100)))) {
        fprintf(stderr, "usage: %s [GHz]  (the core clock in GHz, e.g. 3.66; measured when not given)\n", argv[0]);
        return 2;
    }
    double ghz = argc > 1 ? given : measured_ghz();
    printf("clock %.2f GHz%s\n", ghz, argc > 1 ? " (given)" : " (measured)");
    printf("%-34s %6s %6s\n", "8 of each beside", "8 fma", "8 add");
    TEST("vmulps", MUL);
    TEST("vaddps", ADD);
    TEST("vcmpltps (into a mask register)", CMP);
    TEST("vpcmpgtd (into a mask register)", PCMP);
    TEST("vfpclassps (into a mask register)", FPCLASS);
    TEST("vblendmps (masked blend)", BLEND);
    TEST("vpternlogd", TERN);
    TEST("vscalefps", SCALEF);
    TEST("vfixupimmps", FIX);
    TEST("vrcp14ps", RCP);
    TEST("vrangeps", RANGE);
    TEST("vrndscaleps", RND);
    TEST("vmaxps", MAX);
    TEST("vcvtdq2ps", CVT);
    TEST("vgetexpps", GETEXP);
    TEST("vpslld", SLL);
    TEST("vpsrad", SRA);
    TEST("vandps", AND);
    TEST("vpaddd", PADD);
    TEST("vpmaxud", PMAXU);
    TEST("vbroadcastss from memory", BCAST);
    TEST("vpermps (16-entry table)", PERM);
    TEST("vpermt2ps (32-entry table)", PERMT2);
    double f, d;
    TIME(FMA8 "vdivps %%zmm20,%%zmm21,%%zmm8\n", f);
    TIME("vdivps %%zmm20,%%zmm21,%%zmm8\n vdivps %%zmm20,%%zmm21,%%zmm9\n vdivps %%zmm20,%%zmm21,%%zmm10\n vdivps %%zmm20,%%zmm21,%%zmm11\n", d);
    printf("vdivps: 8 fma + 1 division %.2f cycles; 4 divisions alone %.2f\n", f, d);
    return 0;
}
