// C model of a whole float log-softmax row as the kernel runs it (range pass, sum below the maximum four registers
// per iteration, the scalar ln(1 + s'), output pass) over 1024 x 1000 Normal(0, 3) entries; best of 30 passes.
// PARTS = 1: the range pass only; 2: up to the logarithm; 3: the whole row. PF (prefetching during the sum pass):
// 1 the next row, 2 the output row, 4 the output row for writing (prefetchw). docs/performance-history.md, "Where
// log-softmax's time goes".
//   gcc -O2 -mavx512f -mavx512dq -mfma -mprfchw -o /tmp/row_model tools/bench/log_softmax/row_model.c -lm
//   /tmp/row_model PARTS [ROWS [PF]]
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <math.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define R 1024
#define C 1000
static float *x,*y;
#include "model.h"
static int PF=0;
static void row(const float*px,float*py,int parts){
  int n=C,last=n-16; __m512 hi=_mm512_set1_ps(-INFINITY),lo=_mm512_set1_ps(INFINITY),hi2=hi,lo2=lo; int i=0;
  for(;i+16<=last;i+=32){__m512 a=_mm512_loadu_ps(px+i),b=_mm512_loadu_ps(px+i+16);hi=_mm512_max_ps(hi,a);lo=_mm512_min_ps(lo,a);hi2=_mm512_max_ps(hi2,b);lo2=_mm512_min_ps(lo2,b);}
  for(;i<n;i+=16){int j=i<last?i:last;__m512 a=_mm512_loadu_ps(px+j);hi=_mm512_max_ps(hi,a);lo=_mm512_min_ps(lo,a);}
  float mx=_mm512_reduce_max_ps(_mm512_max_ps(hi,hi2)); float mn=_mm512_reduce_min_ps(_mm512_min_ps(lo,lo2));
  if(parts==1){py[0]=mx+mn;return;}
  __m512 log2e=_mm512_set1_ps(1.442695f),shift=_mm512_set1_ps(12582912.f),l2h=_mm512_set1_ps(-0.693145752f),l2l=_mm512_set1_ps(-1.42860677e-06f);
  __m512 c5=_mm512_set1_ps(1.0f/720),c4=_mm512_set1_ps(1.0f/120),c3=_mm512_set1_ps(1.0f/24),c2=_mm512_set1_ps(1.0f/6);
  float nTop=rintf(mx*1.442695f); __m512 top=_mm512_set1_ps(nTop-64+12582912.f), m=_mm512_set1_ps(mx);
  __m512 sum=_mm512_setzero_ps(),err=sum; int cnt=0; i=0;
  for(;i+48<=last;i+=64){
        __m512 va=_mm512_loadu_ps(px+i), vb=_mm512_loadu_ps(px+i+16), vc=_mm512_loadu_ps(px+i+32), vd=_mm512_loadu_ps(px+i+48);
        __m512 ta=sexp(va,ARGS), tb=sexp(vb,ARGS), tc=sexp(vc,ARGS), td=sexp(vd,ARGS);
        __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ), kb=_mm512_cmp_ps_mask(vb,m,_CMP_EQ_OQ),kc=_mm512_cmp_ps_mask(vc,m,_CMP_EQ_OQ), kd=_mm512_cmp_ps_mask(vd,m,_CMP_EQ_OQ);
        ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); tb=_mm512_mask_blend_ps(kb,tb,_mm512_setzero_ps());
        tc=_mm512_mask_blend_ps(kc,tc,_mm512_setzero_ps()); td=_mm512_mask_blend_ps(kd,td,_mm512_setzero_ps());
        if(PF&1){ _mm_prefetch((const char*)(px+C+i),_MM_HINT_T0); _mm_prefetch((const char*)(px+C+i+16),_MM_HINT_T0); _mm_prefetch((const char*)(px+C+i+32),_MM_HINT_T0); _mm_prefetch((const char*)(px+C+i+48),_MM_HINT_T0);}
        if(PF&2){ _mm_prefetch((const char*)(py+i),_MM_HINT_T0); _mm_prefetch((const char*)(py+i+16),_MM_HINT_T0); _mm_prefetch((const char*)(py+i+32),_MM_HINT_T0); _mm_prefetch((const char*)(py+i+48),_MM_HINT_T0);}
        if(PF&4){ _m_prefetchw((void*)(py+i)); _m_prefetchw((void*)(py+i+16)); _m_prefetchw((void*)(py+i+32)); _m_prefetchw((void*)(py+i+48));}
        TS(sum,ta,err); TS(sum,tb,err); TS(sum,tc,err); TS(sum,td,err); cnt+=__builtin_popcount(ka)+__builtin_popcount(kb)+__builtin_popcount(kc)+__builtin_popcount(kd);
  }
  for(;i<=last;i+=16){__m512 va=_mm512_loadu_ps(px+i); __m512 ta=sexp(va,ARGS); __mmask16 ka=_mm512_cmp_ps_mask(va,m,_CMP_EQ_OQ); ta=_mm512_mask_blend_ps(ka,ta,_mm512_setzero_ps()); TS(sum,ta,err); cnt+=__builtin_popcount(ka);}
  double below=(double)_mm512_reduce_add_ps(sum)+_mm512_reduce_add_ps(err);
  double scale=exp(mx-nTop*0.6931471805599453)*18446744073709551616.0;
  double ln=log1p(below/scale+(cnt-1));
  if(parts==2){py[0]=ln;return;}
  float lh=(float)ln, ll=(float)(ln-lh); __m512 LH=_mm512_set1_ps(lh),LL=_mm512_set1_ps(ll);
  for(i=0;i<=last;i+=16){__m512 v=_mm512_loadu_ps(px+i); _mm512_storeu_ps(py+i,_mm512_sub_ps(_mm512_sub_ps(_mm512_sub_ps(v,m),LH),LL));}
  __m512 v=_mm512_loadu_ps(px+last); _mm512_storeu_ps(py+last,_mm512_sub_ps(_mm512_sub_ps(_mm512_sub_ps(v,m),LH),LL));
}
int main(int argc,char**argv){
  int parts=argc>1?atoi(argv[1]):0; int rows=argc>2?atoi(argv[2]):R; PF=argc>3?atoi(argv[3]):0;
  if(argc<2||argc>4||parts<1||parts>3||rows<1||rows>R||PF<0||PF>7){
    fprintf(stderr,"usage: %s PARTS [ROWS [PF]]  (PARTS 1, 2 or 3; ROWS 1 to %d; PF a sum of 1, 2 and 4)\n",argv[0],R); return 2;}
  x=aligned_alloc(64,sizeof(float)*R*C); y=aligned_alloc(64,sizeof(float)*R*C+64);
  srand(1); for(long i=0;i<(long)R*C;i++){ double u1=(rand()+1.0)/(RAND_MAX+2.0),u2=rand()/(RAND_MAX+1.0); x[i]=3*sqrt(-2*log(u1))*cos(6.283185307*u2);}
  double best=1e9;
  for(int rep=0;rep<30;rep++){ double t0=now(); for(int r=0;r<rows;r++) row(x+(long)r*C,y+(long)r*C,parts); double t=(now()-t0)/rows/C*1e9; if(t<best)best=t;}
  printf("pf %d ",PF); printf("parts %d rows %d: %.3f ns/elem %.2f cycles/16\n",parts,rows,best,best*16*3.1);
}
