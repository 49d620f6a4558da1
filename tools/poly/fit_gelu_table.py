#!/usr/bin/python3
"""Per-interval float polynomials for the float erf GELU (src/ActivationKit/Functions/Gelu.cs), forward and backward.

With C(y) = e^(y^2/2)*Phi(-y) and y = |x| in [0, 15], the float forward needs F(y) = y*C(y):
gelu(x) = max(-0, x) - F(y)*e^(-y^2/2); the backward (--slope) needs E(y) = (C(y) - y/sqrt(2 pi))/(y - y0), y0 the zero
of C(y) - y/sqrt(2 pi) (gelu' crosses zero at -y0): Phi(-y) - y*phi(y) = e^(-y^2/2)*(y - y0)*E(y).
Each is one polynomial of degree DEG per interval [k - 1/2, k + 1/2] (k = round(y) = 0..15, clipped to [0, 15]) in
u = y - k, which is exact (Sterbenz for k >= 1, u = y for k = 0); the kernel looks each coefficient up by k with one
permute (16 entries in a 512-bit register). For F and k = 0 the constant term is 0, so F keeps its relative accuracy
as y -> 0. Each interval is fitted for relative error (least squares on Chebyshev nodes, reweighted towards minimax), the
coefficients are rounded to float one at a time from the constant term up (refitting the rest after each), and the
script reports per interval the worst relative error in float ULPs (2^-24 relative) of the float-coefficient
polynomial in exact arithmetic and of a float32 Horner evaluation (fma rounded once), over 20,001 points per interval.
Run: /usr/bin/python3 tools/poly/fit_gelu_table.py [DEG] [--slope]   (a few seconds)
"""
import math
import sys
import numpy as np

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
    # Next to y0 the quotient is its limit C'(y0) - K = y0*C(y0) - 2K (C' = y*C - K).
    return np.array([(mills(v) - K * v) / (v - Y0) if abs(v - Y0) > 1e-6 else Y0 * mills(Y0) - 2 * K for v in y])


def centre(k):
    """The interval's expansion point: the float within 2^-6 of k (a multiple of 2^-12, below k for k = 1 so that
    y - c stays exact down to y = 1/2) whose value F(c) or E(c) is nearest a float: the constant term's rounding is the
    one coefficient rounding the fit cannot absorb. The forward keeps c = 0 for k = 0, where F's constant term is 0."""
    if k == 0 and not SLOPE:
        return 0.0
    steps = range(-64, 1) if k == 1 else range(-64, 65)
    def miss(c):
        v = f_ref([c])[0]
        return abs(v - float(np.float32(v))) / abs(float(np.spacing(np.float32(v))))
    return min((k + j / 4096 for j in steps if 0 <= k + j / 4096 <= 15), key=miss)


def fit(k, deg):
    lo, hi = max(0.0, k - 0.5), min(15.0, k + 0.5)
    n = 400
    ys = lo + (hi - lo) * (1 - np.cos(np.pi * (np.arange(n) + 0.5) / n)) / 2
    us = ys - centre(k)
    fs = f_ref(ys)
    first = 1 if k == 0 and not SLOPE else 0
    powers = list(range(first, deg + 1))
    coeffs = {}
    fixed = np.zeros_like(fs)
    for p in powers:
        free = [q for q in powers if q not in coeffs]
        a = np.stack([us ** q for q in free], axis=1)
        w = np.ones_like(fs)
        for _ in range(30):  # Lawson's reweighting towards the minimax relative fit
            sol, *_ = np.linalg.lstsq(a * (w / fs)[:, None], (fs - fixed) * w / fs, rcond=None)
            err = np.abs((a @ sol + fixed - fs) / fs)
            w = w * (err / err.max()) ** 0.5 + 1e-12
            w = w / w.max()
        c = float(np.float32(sol[0]))
        coeffs[p] = c
        fixed = fixed + c * us ** p
    return [coeffs.get(p, 0.0) for p in range(deg, -1, -1)]   # highest degree first


def horner32(c, u):
    acc = np.full_like(u, np.float32(c[0]), dtype=np.float32)
    for ci in c[1:]:
        acc = (acc.astype(np.float64) * u.astype(np.float64) + np.float64(np.float32(ci))).astype(np.float32)
    return acc


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
        ref = f_ref(ys.astype(np.float64))
        exact = np.polyval(np.array(c, dtype=np.float64), us.astype(np.float64))
        flt = horner32(c, us).astype(np.float64)
        ulp = lambda v: np.max(np.abs((v - ref) / ref)) * 2 ** 24
        e1, e2 = ulp(exact), ulp(flt)
        worst = max(worst, e2)
        print(f'k = {k:2d}: float coefficients {e1:.3f} ULP exactly, {e2:.3f} with float Horner')
    print(f'worst {worst:.3f} ULP. As C#: the expansion points c_k, then the coefficient tables, u^{DEG} down to u^0'
          ' (entry k belongs to interval k):')
    print('    Vector512.Create(' + ', '.join('%.9gf' % np.float32(centre(k)) for k in range(16)) + ')')
    for j in range(DEG + 1):
        print('    Vector512.Create(' + ', '.join('%.9gf' % np.float32(table[k][j]) for k in range(16)) + ')')
