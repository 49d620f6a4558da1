// Shared by row_model.c and sum_variants.c: the float softmax rows' scaled exponential as the kernel writes it
// (SoftmaxCore.Float.cs ScaledExp: n by the 1.5*2^23 shift, two-part ln 2, degree-6 polynomial, VSCALEF) and
// Knuth's two-sum into a running sum and an error register.
#include <immintrin.h>
static inline __m512 sexp(__m512 v, __m512 log2e, __m512 shift, __m512 l2h, __m512 l2l, __m512 c5, __m512 c4, __m512 c3, __m512 c2, __m512 top){
  __m512 s=_mm512_fmadd_ps(v,log2e,shift); __m512 n=_mm512_sub_ps(s,shift);
  __m512 r=_mm512_fmadd_ps(n,l2h,v); r=_mm512_fmadd_ps(n,l2l,r);
  __m512 q=_mm512_fmadd_ps(c5,r,c4); q=_mm512_fmadd_ps(q,r,c3); q=_mm512_fmadd_ps(q,r,c2); q=_mm512_fmadd_ps(q,r,_mm512_set1_ps(0.5f));
  __m512 p=_mm512_fmadd_ps(_mm512_fmadd_ps(q,r,_mm512_set1_ps(1)),r,_mm512_set1_ps(1));
  return _mm512_scalef_ps(p,_mm512_sub_ps(s,top));
}
#define TS(sum,t,err) do{ __m512 s_=_mm512_add_ps(sum,t); __m512 bb=_mm512_sub_ps(s_,sum); err=_mm512_add_ps(err,_mm512_add_ps(_mm512_sub_ps(sum,_mm512_sub_ps(s_,bb)),_mm512_sub_ps(t,bb))); sum=s_;}while(0)
#define ARGS log2e,shift,l2h,l2l,c5,c4,c3,c2,top
