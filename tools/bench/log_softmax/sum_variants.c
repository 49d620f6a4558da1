// C model of log-softmax's sum pass over one row of 1,024 entries held in L1 (docs/performance-history.md, "Where
// log-softmax's time goes"): the float kernel's exponential (SoftmaxCore.Float.cs ScaledExp) with the sum below the
// maximum in several forms, best of runs printed as cycles per 16 entries at 3.1 GHz.
//   gcc -O2 -mavx512f -mavx512dq -mfma -o /tmp/sum_variants tools/bench/log_softmax/sum_variants.c
//   for v in 0 2 3 4 5 6; do /tmp/sum_variants $v; done
// 0: two registers per iteration, Knuth's two-sum, blend and count (the kernel before 2026-12-01's third session)
// 1: the same with two accumulators   2: the exponential and a plain float sum alone
// 3: four registers, two accumulators  4: four registers, one accumulator in the same order (the kernel now)
// 5: fast two-sum against a power-of-two start   6: sums in double lanes
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define N 1024
static float x[N] __attribute__((aligned(64)));
#include "model.h"
int main(int argc,char**argv){
  int variant=argc==2?atoi(argv[1]):-1;
  if(variant<0||variant>6||(variant==0&&argv[1][0]!='0')){fprintf(stderr,"usage: %s VARIANT  (0 to 6, listed at the top of sum_variants.c)\n",argv[0]); return 2;}
  for(int i=0;i<N;i++) x[i]=-(float)(rand()%1000)/100.0f;
  __m512 log2e=_mm512_set1_ps(1.442695f),shift=_mm512_set1_ps(12582912.f),l2h=_mm512_set1_ps(-0.693145752f),l2l=_mm512_set1_ps(-1.42860677e-06f);
  __m512 c5=_mm512_set1_ps(1.0f/720),c4=_mm512_set1_ps(1.0f/120),c3=_mm512_set1_ps(1.0f/24),c2=_mm512_set1_ps(1.0f/6),top=_mm512_set1_ps(12582912.f-64), m=_mm512_set1_ps(0.f);
  long reps=200000; float acc=0; int cnt=0; double t0=now();
  for(long k=0;k<reps;k++){
    __m512 sum=_mm512_setzero_ps(), err=_mm512_setzero_ps(), sum2=sum, err2=err;
    if(variant==0){
      for(int i=0;i<N;i+=32){
        __m512 va=_mm512_load_ps(x+i), vb=_mm512_load_ps(x+i+16);
        __m512 ta=sexp(va,ARGS), tb=sexp(vb,ARGS);
        __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ), kb=_mm512_cmp_ps_mask(vb,m,_CMP_EQ_OQ);
        ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); tb=_mm512_mask_blend_ps(kb,tb,_mm512_setzero_ps());
        TS(sum,ta,err); TS(sum,tb,err); cnt+=__builtin_popcount(ka)+__builtin_popcount(kb);
      }
    } else if(variant==1){ // two independent accumulators
      for(int i=0;i<N;i+=32){
        __m512 va=_mm512_load_ps(x+i), vb=_mm512_load_ps(x+i+16);
        __m512 ta=sexp(va,ARGS), tb=sexp(vb,ARGS);
        __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ), kb=_mm512_cmp_ps_mask(vb,m,_CMP_EQ_OQ);
        ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); tb=_mm512_mask_blend_ps(kb,tb,_mm512_setzero_ps());
        TS(sum,ta,err); TS(sum2,tb,err2); cnt+=__builtin_popcount(ka)+__builtin_popcount(kb);
      }
    } else if(variant==2){ // exp only, plain sum
      for(int i=0;i<N;i+=32){
        __m512 va=_mm512_load_ps(x+i), vb=_mm512_load_ps(x+i+16);
        sum=_mm512_add_ps(sum,sexp(va,ARGS)); sum2=_mm512_add_ps(sum2,sexp(vb,ARGS));
      }
    } else if(variant==3){ // 4 registers per iteration, 2 accumulators
      for(int i=0;i+64<=N;i+=64){
        __m512 va=_mm512_load_ps(x+i), vb=_mm512_load_ps(x+i+16), vc=_mm512_load_ps(x+i+32), vd=_mm512_load_ps(x+i+48);
        __m512 ta=sexp(va,ARGS), tb=sexp(vb,ARGS), tc=sexp(vc,ARGS), td=sexp(vd,ARGS);
        __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ), kb=_mm512_cmp_ps_mask(vb,m,_CMP_EQ_OQ),kc=_mm512_cmp_ps_mask(vc,m,_CMP_EQ_OQ), kd=_mm512_cmp_ps_mask(vd,m,_CMP_EQ_OQ);
        ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); tb=_mm512_mask_blend_ps(kb,tb,_mm512_setzero_ps());
        tc=_mm512_mask_blend_ps(kc,tc,_mm512_setzero_ps()); td=_mm512_mask_blend_ps(kd,td,_mm512_setzero_ps());
        TS(sum,ta,err); TS(sum2,tb,err2); TS(sum,tc,err); TS(sum2,td,err2); cnt+=__builtin_popcount(ka)+__builtin_popcount(kb)+__builtin_popcount(kc)+__builtin_popcount(kd);
      }
      for(int i=N/64*64;i<N;i+=16){ __m512 va=_mm512_load_ps(x+i); __m512 ta=sexp(va,ARGS); __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ); ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); TS(sum,ta,err); cnt+=__builtin_popcount(ka); }
    }
    else if(variant==4){ // 4 registers per iteration, 1 accumulator (same order)
      for(int i=0;i+64<=N;i+=64){
        __m512 va=_mm512_load_ps(x+i), vb=_mm512_load_ps(x+i+16), vc=_mm512_load_ps(x+i+32), vd=_mm512_load_ps(x+i+48);
        __m512 ta=sexp(va,ARGS), tb=sexp(vb,ARGS), tc=sexp(vc,ARGS), td=sexp(vd,ARGS);
        __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ), kb=_mm512_cmp_ps_mask(vb,m,_CMP_EQ_OQ),kc=_mm512_cmp_ps_mask(vc,m,_CMP_EQ_OQ), kd=_mm512_cmp_ps_mask(vd,m,_CMP_EQ_OQ);
        ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); tb=_mm512_mask_blend_ps(kb,tb,_mm512_setzero_ps());
        tc=_mm512_mask_blend_ps(kc,tc,_mm512_setzero_ps()); td=_mm512_mask_blend_ps(kd,td,_mm512_setzero_ps());
        TS(sum,ta,err); TS(sum,tb,err); TS(sum,tc,err); TS(sum,td,err); cnt+=__builtin_popcount(ka)+__builtin_popcount(kb)+__builtin_popcount(kc)+__builtin_popcount(kd);
      }
      for(int i=N/64*64;i<N;i+=16){ __m512 va=_mm512_load_ps(x+i); __m512 ta=sexp(va,ARGS); __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ); ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); TS(sum,ta,err); cnt+=__builtin_popcount(ka); }
    } else if(variant==5){ // fast two-sum against start C, 2 regs
      sum=_mm512_set1_ps(1024.f);
      for(int i=0;i<N;i+=32){
        __m512 va=_mm512_load_ps(x+i), vb=_mm512_load_ps(x+i+16);
        __m512 ta=sexp(va,ARGS), tb=sexp(vb,ARGS);
        __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ), kb=_mm512_cmp_ps_mask(vb,m,_CMP_EQ_OQ);
        ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); tb=_mm512_mask_blend_ps(kb,tb,_mm512_setzero_ps());
        __m512 s1=_mm512_add_ps(sum,ta); err=_mm512_add_ps(err,_mm512_sub_ps(ta,_mm512_sub_ps(s1,sum)));
        __m512 s2=_mm512_add_ps(s1,tb); err=_mm512_add_ps(err,_mm512_sub_ps(tb,_mm512_sub_ps(s2,s1))); sum=s2;
        cnt+=__builtin_popcount(ka)+__builtin_popcount(kb);
      }
    } else if(variant==6){ // double accumulation
      __m512d d0=_mm512_setzero_pd(), d1=d0, d2=d0, d3=d0;
      for(int i=0;i<N;i+=32){
        __m512 va=_mm512_load_ps(x+i), vb=_mm512_load_ps(x+i+16);
        __m512 ta=sexp(va,ARGS), tb=sexp(vb,ARGS);
        __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ), kb=_mm512_cmp_ps_mask(vb,m,_CMP_EQ_OQ);
        ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); tb=_mm512_mask_blend_ps(kb,tb,_mm512_setzero_ps());
        d0=_mm512_add_pd(d0,_mm512_cvtps_pd(_mm512_castps512_ps256(ta)));
        d1=_mm512_add_pd(d1,_mm512_cvtps_pd(_mm512_extractf32x8_ps(ta,1)));
        d2=_mm512_add_pd(d2,_mm512_cvtps_pd(_mm512_castps512_ps256(tb)));
        d3=_mm512_add_pd(d3,_mm512_cvtps_pd(_mm512_extractf32x8_ps(tb,1)));
        cnt+=__builtin_popcount(ka)+__builtin_popcount(kb);
      }
      acc+=_mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(d0,d1),_mm512_add_pd(d2,d3)));
    }
    acc+=_mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(sum,err),_mm512_add_ps(sum2,err2)));
  }
  double t=now()-t0;
  printf("variant %d: %.3f ns/elem, %.2f cycles/16 at 3.1GHz (%g %d)\n",variant,t/reps/N*1e9,t/reps/N*16*3.1e9,acc,cnt);
}
