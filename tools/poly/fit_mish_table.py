#!/usr/bin/python3
"""Per-interval float polynomials for float mish (src/ActivationKit/Functions/Mish.cs): DerivativeTable, and with
--forward ForwardTable.

mish'(x) (with --forward mish(x)) itself (no exponential) is one polynomial of degree DEG per interval in u = x - c_k, looked up by the interval
number k (one permute per coefficient, 16 entries in a 512-bit register: IVec.Lookup16). The kernel forms k as
round(G*(x + clamp(x, -A, A))) in the low bits of fma(x + clamp(x, -A, A), G, 1.5*2^23): intervals of width 1/(2G) for
|x| <= A and 1/G beyond, so the intervals are narrow where mish' has its nearest complex singularities (the zeros of
e^2x + 2e^x + 2, at 0.35 +- 2.36i) and wide in the tails, where e^x or 1 + (4x - 2)e^-2x is all that is left. Interval
boundaries fall at half-integer t = G*(x + clamp(x)); with G = 3/8 they sit at +-2/3, +-2, +-10/3, ... so that the
interval of mish's zero x0 = -1.1924 is [-2, -2/3], inside [2*x0, x0/2], and u = x - c is exact (Sterbenz) with
c = float(x0) there. That interval keeps mish''s relative accuracy next to its zero as fit_gelu_table.py does for
gelu': the constant term mish'(c) is fixed first and the rest fitted for relative error in (mish' - mish'(c))/u. The
interval around 0 is expanded about whichever of 0 and the multiples of 1/16 in [-1/2, 1/2] measures best (x - c is
rounded there unless c = 0, and the measurement includes it); the others about an end, the centre or a quarter point
(on a 1/64 grid) whichever measures best in a float32 Horner model, u exact by Sterbenz at every candidate tried. Lanes with |x| > LIMIT take the tail
formulas of the kernel, so the intervals cover [-LIMIT, LIMIT] only (k = -7..7; entry k mod 16 of each table).
--forward fits mish(x); mish(0) = 0, so interval 0 is expanded about 0 with no constant term (-0 in the table, so that
mish(-0) = -0) and mish keeps its relative accuracy as x -> 0. The kernel's forward takes other intervals (below):
k = round(G*(x + R*clamp(x, -A, A))), x + R*clamp one fma, with G = 0.4, R = 1.5, A = 2.48: width 1/(G(1 + R)) = 1
for |x| <= A and 1/G = 2.5 beyond, so that degree 8 holds on [-1/2, 1/2], where the derivative's [-2/3, 2/3] needed 9.
Each interval is fitted for relative error (least squares on Chebyshev nodes, Lawson-reweighted towards minimax), the
coefficients rounded to float one at a time from the constant term up (the rest refitted after each). The report
gives per interval the worst error in ULPs of the float nearest mish' (as actkit accuracy counts them) of the
float-coefficient polynomial in exact
arithmetic and of a float32 Horner evaluation (each fma rounded once, u and the index formed as in the kernel), on
every float of the interval when there are fewer than 2^20 of them, else on 2^20 evenly spaced floats plus the ends.
Reference: double formulas, mpmath within 0.01 of x0.
Run: /usr/bin/python3 tools/poly/fit_mish_table.py [DEG] [--forward]   (about 40 s; the kernel's derivative uses 9,
which printed 2.33 (10 gave 2.29, the zero's interval not improving); its forward
`MISH_G=0.4 MISH_R=1.5 MISH_A=2.48 ... 8 --forward`, which printed 2.07 (2^20 samples per interval; 2.23 over all
floats, as the earlier degree-9 forward on the derivative's intervals, 1.98 here). MISH_G, MISH_R, MISH_A, MISH_LIMIT
and MISH_K override G, R, A, LIMIT and the interval range k = -K..K (the kernel's constants must change with them),
MISH_SHARED=S makes the top S coefficients interval 0's for all (tried on 2026-12-04: the tails' relative accuracy
cannot take a shared term, so not used); K above 7 prints
32-entry tables, entry k mod 32, as two Vector512 halves: the 31-interval trial of 2026-12-04 in
docs/performance-history.md ran MISH_G=0.75 MISH_K=15 with degree 6).
"""
import math
import sys
import numpy as np
import mpmath
from table_fit import chebyshev_nodes, fit_table_entry, horner32

ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
DEG = int(ARGS[0]) if ARGS else 9
FORWARD = '--forward' in sys.argv
G = float(__import__("os").environ.get("MISH_G", "0.375"))          # index slope: intervals of width 4/3 for |x| <= A, 8/3 beyond
A = float(__import__("os").environ.get("MISH_A", "4.5"))            # clamp of the index formula
K = int(__import__("os").environ.get("MISH_K", "7"))                 # intervals k = -K..K (7: 16 entries; up to 15: 32)
R = float(__import__("os").environ.get("MISH_R", "1"))               # k = round(G*(x + R*clamp(x, -A, A))): R = 1 the kernel's first form
SHARED = int(__import__("os").environ.get("MISH_SHARED", "0"))       # top coefficients shared by every interval (interval 0's)
LIMIT = float(__import__("os").environ.get("MISH_LIMIT", "15"))       # |x| above this takes the kernel's tail formulas
SHIFT = 12582912.0  # 1.5*2^23
mpmath.mp.dps = 40
def mish_d_mp(x):
    x = mpmath.mpf(x)
    sp = mpmath.log1p(mpmath.exp(x))
    t = mpmath.tanh(sp)
    return t + x * (1 - t * t) * mpmath.exp(x) / (1 + mpmath.exp(x))


X0 = mpmath.findroot(mish_d_mp, mpmath.mpf(-1.19))


def mish_d(x):
    """mish'(x) in double (about 1e-16 relative), mpmath near the zero."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    neg = x < 0
    e = np.exp(np.where(neg, x, -x))
    # x < 0: e*omega/delta^2, omega = e^3 + 4e^2 + e(4x + 6) + 4(x + 1); x >= 0 with u = e^-x.
    w = x + 1
    omega = (2 * e + 4 * w) + (4 * e * (e + w) + e ** 3)
    delta = e * e + 2 * e + 2
    out[neg] = (e * omega / (delta * delta))[neg]
    num = 1 + 4 * e + (4 * x + 6) * e ** 2 + 4 * (x + 1) * e ** 3
    den = (1 + 2 * e + 2 * e ** 2) ** 2
    out[~neg] = (num / den)[~neg]
    near = np.abs(x - float(X0)) < 0.01
    for i in np.nonzero(near)[0]:
        out[i] = float(mish_d_mp(float(x[i])))
    return out


def mish(x):
    """mish(x) in double: x*e(e + 2)/(e(e + 2) + 2) for x < 0 (e = e^x), x(1 + 2u)/(1 + 2u + 2u^2) for x >= 0 (u = e^-x)."""
    x = np.asarray(x, dtype=np.float64)
    neg = x < 0
    e = np.exp(np.where(neg, x, -x))
    q = e * (e + 2)
    a = 1 + 2 * e
    return np.where(neg, x * q / (q + 2), x * a / (a + 2 * e * e))


def f_ref(x):
    return mish(x) if FORWARD else mish_d(x)


def index32(x):
    """k as the kernel forms it (float32): round(G*(x + R*clamp(x, -A, A))), ties to even (x + R*clamp one fma)."""
    x = np.asarray(x, dtype=np.float32)
    clamped = np.clip(x, np.float32(-A), np.float32(A)).astype(np.float64)
    v = (x.astype(np.float64) + np.float64(np.float32(R)) * clamped).astype(np.float32)
    t = (v.astype(np.float64) * np.float64(np.float32(G)) + SHIFT).astype(np.float32)   # one fma: exact product, one rounding
    return (t.astype(np.float64) - SHIFT).astype(np.int64)


def bounds(k):
    """The x interval of k (t in [k - 1/2, k + 1/2]), cut to [-LIMIT, LIMIT]."""
    def x_of(t):
        v = t / G
        return v / (1 + R) if abs(v) <= (1 + R) * A else (v - R * A if v > 0 else v + R * A)
    return max(-LIMIT, x_of(k - 0.5)), min(LIMIT, x_of(k + 0.5))


def zero_interval(k):
    lo, hi = bounds(k)
    return lo <= float(X0) <= hi


def candidates(k):
    lo, hi = bounds(k)
    if FORWARD and lo < 0 < hi:
        return [0.0]   # mish(0) = 0: u = x exactly and no constant term, so mish keeps its relative accuracy at 0
    if not FORWARD and zero_interval(k):
        return [float(np.float32(float(X0)))]
    if lo < 0 < hi:
        # x - c is exact for every x of the interval only at c = 0; elsewhere its rounding is part of the measurement.
        return [0.0] + [float(np.float32(j / 16)) for j in range(-8, 9) if j]
    out = []
    for c in (lo, hi, (lo + hi) / 2, lo + (hi - lo) / 4, hi - (hi - lo) / 4):
        # Sterbenz: x - c exact for x in [c/2, 2c] (same sign).
        c = float(np.float32(round(c * 64) / 64))
        if c != 0 and min(lo / c, hi / c) >= 0.5 and max(lo / c, hi / c) <= 2:
            out.append(c)
    return out


def fit(k, c, deg, shared=None):
    lo, hi = bounds(k)
    n = 500
    xs = chebyshev_nodes(lo, hi, n)
    us = xs - c
    constant = None
    if FORWARD and c == 0.0:
        constant = -0.0   # -0: u*P(u) + (-0) keeps the sign of a zero u, so mish(-0) = -0
    elif not FORWARD and zero_interval(k):
        constant = float(np.float32(float(mish_d_mp(c))))
    return fit_table_entry(us, f_ref(xs), deg, constant, fixed=shared)


def floats_of(k):
    lo, hi = bounds(k)
    a = np.float32(lo)
    b = np.float32(hi)
    ia = np.array([a], dtype=np.float32).view(np.int32)[0]
    ib = np.array([b], dtype=np.float32).view(np.int32)[0]
    # float bit patterns are monotone within one sign; walk each sign's run.
    def run(p, q):
        lo_, hi_ = min(p, q), max(p, q)
        cnt = hi_ - lo_ + 1
        idx = np.arange(lo_, hi_ + 1, max(1, cnt // (1 << 20)), dtype=np.int64)
        return np.concatenate([idx, [hi_]]).astype(np.int32).view(np.float32)
    if a < 0 < b:
        xs = np.concatenate([run(np.array([np.float32(-0.0)]).view(np.int32)[0], ia), run(0, ib)])
    else:
        xs = run(ia, ib)
    xs = xs[index32(xs) == k]
    return xs


def measure(k, c, coeffs):
    xs = floats_of(k)
    if FORWARD:
        xs = xs[xs != 0]
    us = (xs - np.float32(c)).astype(np.float32)
    ref = f_ref(xs.astype(np.float64))
    exact = np.polyval(np.array(coeffs, dtype=np.float64), (xs.astype(np.float64) - c))
    flt = horner32(coeffs, us).astype(np.float64)
    # In ULPs of the float nearest the reference, as actkit accuracy counts them.
    unit = np.spacing(np.abs(ref).astype(np.float32)).astype(np.float64)
    ulp = lambda v: np.max(np.abs(v - ref) / unit)
    return ulp(exact), ulp(flt), xs[np.argmax(np.abs(flt - ref) / unit)]


if __name__ == '__main__':
    ks = range(-K, K + 1)
    table = {}
    worst = 0.0
    shared = {}
    if SHARED:
        # Interval 0 (the hardest: mish's nearest singularities) is fitted freely; its top SHARED coefficients become
        # constants of the kernel (no lookup), and every other interval is fitted with them fixed.
        first = min(candidates(0), key=lambda c: measure(0, c, fit(0, c, DEG))[1])
        top = fit(0, first, DEG)
        shared = {DEG - j: top[j] for j in range(SHARED)}
        print(f'shared (interval 0, c = {first}): ' + ', '.join(f'u^{p}: {v!r}' for p, v in sorted(shared.items(), reverse=True)))
    for k in ks:
        best = None
        for c in candidates(k):
            coeffs = fit(k, c, DEG, shared if k != 0 else None)
            e1, e2, xw = measure(k, c, coeffs)
            if best is None or e2 < best[2]:
                best = (c, coeffs, e2, e1, xw)
        c, coeffs, e2, e1, xw = best
        table[k] = (c, coeffs)
        worst = max(worst, e2)
        lo, hi = bounds(k)
        print(f'k = {k:3d} [{lo:8.4f}, {hi:8.4f}] c = {c:.9g}: {e1:.3f} ULP exactly, {e2:.3f} with float Horner (x = {xw:.8g})')
    print(f'worst {worst:.3f} ULP (x0 = {mpmath.nstr(X0, 20)}). As C#: the expansion points c_k, then the coefficient '
          f'tables, u^{DEG} down to u^0 (entry k mod 16, or 32 for K > 7, belongs to interval k; unused entries are 0):')
    entry = lambda k, f: '%.9gf' % np.float32(f(table[k])) if k in table else '0f'
    size = 16 if K <= 7 else 32
    order = [j if j < size // 2 else j - size for j in range(size)]
    def row(f):
        cells = [entry(k, f) for k in order]
        return ', '.join('Vector512.Create(' + ', '.join(cells[h:h + 16]) + ')' for h in range(0, size, 16))
    print('    ' + row(lambda t: t[0]))
    for j in range(DEG + 1):
        print('    ' + row(lambda t, j=j: t[1][j]))
