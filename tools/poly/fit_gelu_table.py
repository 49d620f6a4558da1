#!/usr/bin/python3
"""Per-interval float polynomials for the float erf GELU (src/ActivationKit/Functions/Gelu.cs), forward and backward.

With C(y) = e^(y^2/2)*Phi(-y) and y = |x| in [0, 15], the float forward needs F(y) = y*C(y):
gelu(x) = max(-0, x) - F(y)*e^(-y^2/2); the backward (--slope) needs G(y) = C(y) - y/sqrt(2 pi):
Phi(-y) - y*phi(y) = e^(-y^2/2)*G(y), and gelu'(x) is that for x < 0 and 1 minus it for x >= 0.
Each is one polynomial of degree DEG per interval [k - 1/2, k + 1/2] (k = round(y) = 0..15, clipped to [0, 15]) in
u = y - c_k, c_k a float next to k (see centre), where y - c_k is exact by Sterbenz's lemma (but for y < 3/16 in G's
interval 0, expanded about 3/8); the kernel looks each
coefficient up by k with one permute (16 entries in a 512-bit register). For F and k = 0 the constant term is 0, so F
keeps its relative accuracy as y -> 0. G crosses zero at y0 (gelu' crosses zero at -y0): its interval k = 1 is expanded
about c_1 = float(y0), its constant term G(c_1) (about -6e-9) fixed first and the rest fitted for relative error in
(G(y) - G(c_1))/u, so the polynomial keeps G's relative accuracy next to the zero too (at the floats next to y0, |u| is at
least five times |c_1 - y0|). Each interval is fitted for relative error (least squares on Chebyshev nodes, reweighted
towards minimax), the coefficients are rounded to float one at a time from the constant term up (refitting the rest
after each), and the
script reports per interval the worst relative error in float ULPs (2^-24 relative) of the float-coefficient
polynomial in exact arithmetic and of a float32 evaluation as the kernel does it (fma rounded once): Horner for F, and
for G even and odd halves in v = u^2 joined by one fma (table_fit.even_odd32; the backward's chain is shorter that way),
over 20,001 points per interval.
Run: /usr/bin/python3 tools/poly/fit_gelu_table.py [DEG] [--slope]   (a few seconds; the kernel uses 7, and 8 --slope)
"""
import math
import sys
import numpy as np
from table_fit import chebyshev_nodes, even_odd32, fit_table_entry, float_miss, horner32, print_tables, relative_ulps

ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
DEG = int(ARGS[0]) if ARGS else 7
SLOPE = '--slope' in sys.argv
K = 1 / math.sqrt(2 * math.pi)
Y0 = 0.7517915246935644574579049   # mpmath findroot (tools/poly/fit_gelu_float.py prints it)


def mills(v):
    return math.exp(v * v / 2) * math.erfc(v / math.sqrt(2)) / 2


def f_ref(y):
    y = np.asarray(y, dtype=np.float64)
    if not SLOPE:
        return np.array([v * mills(v) for v in y])
    # Next to y0 the difference cancels to about 1e-8 of its terms: mpmath there (double's 1e-17 would be 1e-9 of the difference).
    return np.array([float(g_exact(v)) if abs(v - Y0) < 1e-3 else mills(v) - K * v for v in y])


def g_exact(v):
    import mpmath
    mpmath.mp.dps = 40
    v = mpmath.mpf(float(v))
    return mpmath.exp(v * v / 2) * mpmath.erfc(v / mpmath.sqrt(2)) / 2 - v / mpmath.sqrt(2 * mpmath.pi)


def centre(k):
    """The interval's expansion point: the float within 2^-6 of k (a multiple of 2^-12, below k for k = 1 so that
    y - c stays exact down to y = 1/2) whose value F(c) or G(c) is nearest a float: the constant term's rounding is the
    one coefficient rounding the fit cannot absorb. The forward keeps c = 0 for k = 0, where F's constant term is 0, and
    the backward c = float(y0) for k = 1, next to G's zero."""
    if k == 0 and not SLOPE:
        return 0.0
    if k == 1 and SLOPE:
        return float(np.float32(Y0))
    # G falls from 0.5 to 0.21 over [0, 1/2]: expanded about 0 its last Horner step would cancel (2.5 ULP), about
    # 3/8 it does not (1.5 ULP, y - c rounding by at most 2^-26 below 3/16).
    base = 0.375 if k == 0 and SLOPE else k
    steps = range(-64, 1) if k == 1 else range(-64, 65)
    return min((base + j / 4096 for j in steps if 0 <= base + j / 4096 <= 15), key=lambda c: float_miss(f_ref([c])[0]))


def fit(k, deg):
    lo, hi = max(0.0, k - 0.5), min(15.0, k + 0.5)
    n = 400
    ys = chebyshev_nodes(lo, hi, n)
    us = ys - centre(k)
    fs = f_ref(ys)
    first = 1 if k == 0 and not SLOPE else 0
    # Where G crosses zero the relative error is measured against G - G(c_1), that is u times the rest of the polynomial.
    constant = float(np.float32(float(g_exact(centre(k))))) if k == 1 and SLOPE else None
    return fit_table_entry(us, fs, deg, constant, first)


if __name__ == '__main__':
    table = []
    worst = 0.0
    for k in range(16):
        c = fit(k, DEG)
        table.append(c)
        lo, hi = max(0.0, k - 0.5), min(15.0, k + 0.5)
        ys = np.linspace(lo, hi, 20001).astype(np.float32)
        ys = ys[ys > 0] if k == 0 and not SLOPE else ys
        us = (ys - np.float32(centre(k))).astype(np.float32)
        e1, e2 = relative_ulps(c, us, f_ref(ys.astype(np.float64)), even_odd32 if SLOPE else horner32)
        worst = max(worst, e2)
        print(f'k = {k:2d}: float coefficients {e1:.3f} ULP exactly, {e2:.3f} with float {"even/odd halves" if SLOPE else "Horner"}')
    print(f'worst {worst:.3f} ULP. As C#: the expansion points c_k, then the coefficient tables, u^{DEG} down to u^0'
          ' (entry k belongs to interval k):')
    print_tables([centre(k) for k in range(16)], table)
