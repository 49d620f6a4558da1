#!/usr/bin/python3
"""Per-interval float polynomials for the float gelu_tanh backward (src/ActivationKit/Functions/GeluTanh.cs, SlopeTable).

With y = |x|, S(y) = a*(y + k*y^3) (a = 2*sqrt(2/pi), k = 0.044715), e = e^-S and g = y*S'(y) = a*y*(1 + 3k*y^2),
D(y) = e*(1 + e - g)/(1 + e)^2 is gelu_tanh'(x) for x = -y and 1 - gelu_tanh'(x) for x = y. The kernel forms e^-S as
(1 + m)*2^n from the pair S + SLo and H(y) = (1 + e - g)/(1 + e)^2 = D(y)*e^S from one polynomial of degree DEG per
interval [k - 1/2, k + 1/2] (k = round(y) = 0..15, y held at 15) in u = y - c_k, its coefficients looked up by k with
one permute each (16 entries in a 512-bit register). H is smooth (its nearest complex singularities are where
1 + e^-S = 0, about 1.97i from 0) and, from y = 5 on, the cubic 1 - g to far below a float's resolution.
H crosses zero at y0 = 0.7524614 (gelu_tanh' crosses zero at -y0): interval 1 is expanded about c_1 = float(y0), its
constant term H(c_1) fixed first and the rest fitted for relative error in (H - H(c_1))/u, so that H keeps its relative
accuracy next to the zero (as fit_gelu_table.py does for erf GELU's G). Interval 0 is expanded about the candidate in
[0, 1/2] on a 1/16 grid that measures best (y - c rounds below c/2 there, and the measurement includes it); the others
about the float within 2^-6 of k whose H(c) is nearest a float. y - c_k is exact by Sterbenz's lemma elsewhere.
The fit is table_fit.fit_float_coefficients (relative error, Lawson-reweighted least squares, coefficients rounded to
float from the constant term up). The report gives per interval the worst relative error of H in float ULPs (2^-24
relative) of the float-coefficient polynomial in exact arithmetic and of a float32 Horner evaluation (each fma rounded
once, u formed in float), over 20,001 floats per interval; the kernel's error adds e^-S's and the product's roundings.
Reference: double, mpmath within 1e-3 of y0 (where 1 + e - g cancels).
Run: /usr/bin/python3 tools/poly/fit_gelu_tanh_table.py [DEG]   (a second; the kernel uses 8)
With --exp2 it fits instead the kernel's q of 2^r - 1 = r*q(r) for |r| <= 1/2 (DEG is q's degree; the kernel uses 6), for
q's relative error, and reports it and the error of 1 + m against 2^r in a float model (Horner steps rounded, m = q*r
rounded, 1 + m exact), over 200,001 floats.
"""
import math
import sys
import numpy as np
import mpmath
from table_fit import chebyshev_nodes, fit_float_coefficients, fit_table_entry, float_miss, horner32, print_tables, relative_ulps

ARGS = [a for a in sys.argv[1:] if not a.startswith('--')]
DEG = int(ARGS[0]) if ARGS else 8
A = 2 * math.sqrt(2 / math.pi)
KC = 0.044715
mpmath.mp.dps = 40


def h_mp(y):
    y = y if isinstance(y, mpmath.mpf) else mpmath.mpf(float(y))
    a = 2 * mpmath.sqrt(2 / mpmath.pi)
    k = mpmath.mpf('0.044715')
    e = mpmath.exp(-a * (y + k * y ** 3))
    g = a * y * (1 + 3 * k * y * y)
    return (1 + e - g) / (1 + e) ** 2


Y0 = float(mpmath.findroot(h_mp, 0.75))


def h_ref(ys):
    ys = np.asarray(ys, dtype=np.float64)
    e = np.exp(-A * (ys + KC * ys ** 3))
    g = A * ys * (1 + 3 * KC * ys * ys)
    out = (1 + e - g) / (1 + e) ** 2
    near = np.abs(ys - Y0) < 1e-3
    out[near] = [float(h_mp(v)) for v in ys[near]]
    return out


def bounds(k):
    return max(0.0, k - 0.5), min(15.0, k + 0.5)


def fit(k, c, deg):
    lo, hi = bounds(k)
    n = 400
    ys = chebyshev_nodes(lo, hi, n)
    us = ys - c
    constant = float(np.float32(float(h_mp(c)))) if k == 1 else None
    return fit_table_entry(us, h_ref(ys), deg, constant)


def measure(k, c, coeffs):
    lo, hi = bounds(k)
    ys = np.unique(np.linspace(lo, hi, 20001).astype(np.float32))
    us = (ys - np.float32(c)).astype(np.float32)
    return relative_ulps(coeffs, us, h_ref(ys.astype(np.float64)))


def centre(k):
    if k == 1:
        return float(np.float32(Y0))
    return min((k + j / 4096 for j in range(-64, 65) if 0 <= k + j / 4096 <= 15), key=lambda c: float_miss(h_ref([c])[0]))


def fit_exp2(deg):
    n = 600
    rs = chebyshev_nodes(-0.5, 0.5, n)
    qs = np.array([float(mpmath.expm1(mpmath.mpf(r) * mpmath.log(2)) / mpmath.mpf(r)) for r in rs])
    c = fit_float_coefficients(rs, qs, list(range(deg + 1)))
    cs = [c[p] for p in range(deg, -1, -1)]
    r32 = np.linspace(-0.5, 0.5, 200001).astype(np.float32)
    r32 = r32[r32 != 0]
    ref_q = np.array([float(mpmath.expm1(mpmath.mpf(float(v)) * mpmath.log(2)) / mpmath.mpf(float(v))) for v in r32])
    q = horner32(cs, r32)
    m = (q.astype(np.float64) * r32).astype(np.float32).astype(np.float64)
    ref = 2.0 ** r32.astype(np.float64)
    print(f'q of degree {deg}: {np.max(np.abs(q - ref_q) / ref_q) * 2 ** 24:.3f} ULP of q, '
          f'1 + m within {np.max(np.abs(1 + m - ref) / ref) * 2 ** 24:.3f} ULP of 2^r')
    for p in range(deg + 1):
        print(f'        private const double Q{p} = {c[p]!r};')


if __name__ == '__main__' and '--exp2' in sys.argv:
    fit_exp2(int(ARGS[0]) if ARGS else 6)
elif __name__ == '__main__':
    centres, table, worst = [], [], 0.0
    for k in range(16):
        if k == 0:
            best = None
            for c in [j / 16 for j in range(0, 9)]:
                coeffs = fit(0, c, DEG)
                e = measure(0, c, coeffs)
                if best is None or e[1] < best[2][1]:
                    best = (c, coeffs, e)
            c, coeffs, (e1, e2) = best
        else:
            c = centre(k)
            coeffs = fit(k, c, DEG)
            e1, e2 = measure(k, c, coeffs)
        centres.append(c)
        table.append(coeffs)
        worst = max(worst, e2)
        print(f'k = {k:2d}: c = {c:.9g}, float coefficients {e1:.3f} ULP exactly, {e2:.3f} with float Horner')
    print(f'y0 = {Y0!r}; worst {worst:.3f} ULP. As C#: the expansion points c_k, then the coefficient tables, u^{DEG} down'
          ' to u^0 (entry k belongs to interval k):')
    print_tables(centres, table)
