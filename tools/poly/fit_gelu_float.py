#!/usr/bin/python3
"""Float polynomials for the exact GELU's float algorithm in double lanes: GEGLU's gate for float data
(src/ActivationKit/Functions/Gelu.cs, ForwardRatio and SlopeRatioDegree9). Float lanes use per-interval tables
instead (tools/poly/fit_gelu_table.py).

The Gaussian tail is written Phi(-y) = e^(-y^2/2) * C(y), C(y) = e^(y^2/2) * Phi(-y) (the Mills ratio over sqrt(2 pi)),
for y = |x| in [0, 15], and the two smooth factors the kernel needs are polynomials in w = y/(4 + y), which maps
[0, 15] onto [0, 15/19] and keeps them far from their singular point w = 1 (y = infinity; a smaller constant than 4
puts it closer and needs degree 14 with large alternating coefficients). w rather than 1 - w = 4/(4 + y): its
rounding error is relative to w, so it vanishes as y -> 0, where R and E are most sensitive to their argument:

  R(w) = C(y) * (1 + y)                             forward:  y*Phi(-y) = e^(-y^2/2) * y/(1 + y) * R(w)
  E(w) = (C(y) - y/sqrt(2 pi)) / (y - y0)           backward: Phi(-y) - y*phi(y) = e^(-y^2/2) * (y - y0) * E(w)

with y0 = 0.75179152469... the zero of C(y) - y/sqrt(2 pi) (where gelu' crosses zero), so that the derivative keeps
its relative accuracy next to its zero. Both are flat (R in [0.399, 0.53], E in [-0.665, -0.399]), so float Horner
adds little beyond its final rounding; C*(4 + y) instead of C*(1 + y) would vary fivefold and lose about 0.8 ULP more.

Each is fitted by a Remez exchange (relative error) in w, then re-expanded around a shift S (the kernel evaluates in
u = w - S) chosen so that the constant coefficient P(S) is within a few hundredths of an ULP of a float: rounding the
constant term is the one coefficient rounding that cannot be absorbed (the others are multiplied by |u| <= 0.4).
Coefficients are rounded to float; the script reports the worst relative error of the float-coefficient polynomial
in exact arithmetic, and of a float32 Horner evaluation (fma emulated in double), in float ULPs (2^-24 relative).
The kernel uses the defaults, degR 10 and degE 9.
Run: /usr/bin/python3 tools/poly/fit_gelu_float.py [degR] [degE]   (about 10 s)
"""
import sys
import mpmath as mp
import numpy as np
from weighted_remez import remez

mp.mp.dps = 50
DEG_R = int(sys.argv[1]) if len(sys.argv) > 1 else 10
DEG_E = int(sys.argv[2]) if len(sys.argv) > 2 else 9
C4 = mp.mpf(4)
Y_MAX = mp.mpf(15)
K = 1 / mp.sqrt(2 * mp.pi)


def mills(y):
    return mp.exp(y * y / 2) * mp.erfc(y / mp.sqrt(2)) / 2


Y0 = mp.findroot(lambda y: mills(y) - K * y, 0.75)


def y_of(w):
    return C4 * w / (1 - w)


def r_fn(w):
    y = y_of(w)
    return mills(y) * (1 + y)


def e_fn(w):
    y = y_of(w)
    if abs(y - Y0) < mp.mpf(10) ** -20:
        # The removable point: C'(y0) - 1/sqrt(2 pi), C' = y*C - 1/sqrt(2 pi).
        return Y0 * mills(Y0) - 2 * K
    return (mills(y) - K * y) / (y - Y0)


# w in [0, 15/19] (y = 15 is the kernel's clamp), slightly widened for the rounding of w.
T_LO = mp.mpf(0)
T_HI = Y_MAX / (C4 + Y_MAX) * (1 + mp.mpf(2) ** -20)


def remez_relative(f, deg, lo, hi, grid=4000):
    """Remez exchange for the relative error of a polynomial in w (weighted_remez with weight 1/|f|)."""
    xs = [lo + (hi - lo) * (1 - mp.cos(mp.pi * i / (grid - 1))) / 2 for i in range(grid)]
    fs = [f(x) for x in xs]
    coeffs, worst = remez(f, lambda x: 1 / abs(f(x)), deg, xs)
    return coeffs, worst, xs, fs


def shifted(coeffs, s):
    """Coefficients of P(s + u) in u (Taylor shift), lowest first."""
    n = len(coeffs)
    out = []
    cur = list(coeffs)
    for j in range(n):
        out.append(mp.polyval(cur[::-1], s))
        cur = [cur[i] * i for i in range(1, len(cur))]
    return [out[j] / mp.factorial(j) for j in range(n)]


def f32(v):
    return float(np.float32(float(v)))


def choose_shift(coeffs, centre):
    """A float S near centre whose P(S) lies closest to a float (in ULPs of that float)."""
    best = None
    s = np.float32(centre)
    for _ in range(200000):
        c0 = mp.polyval(coeffs[::-1], mp.mpf(float(s)))
        r = f32(c0)
        ulp = abs(float(np.spacing(np.float32(r))))
        off = abs(float(c0) - r) / ulp
        if best is None or off < best[0]:
            best = (off, float(s))
            if off < 0.01:
                break
        s = np.nextafter(s, np.float32(1))
    return best[1], best[0]


def horner_f32(cf, u):
    """Float32 Horner with fma (a*b exact in double, then the sum rounded to double and to float)."""
    p = np.float32(cf[-1])
    for c in reversed(cf[:-1]):
        p = np.float32(np.float64(p) * np.float64(u) + np.float64(np.float32(c)))
    return p


def report(name, f, deg, centre):
    coeffs, worst, xs, fs = remez_relative(f, deg, T_LO, T_HI)
    s, off = choose_shift(coeffs, centre)
    cu = shifted(coeffs, mp.mpf(s))
    cf = [f32(c) for c in cu]
    exact = fl = mp.mpf(0)
    for x, fx in zip(xs, fs):
        u = mp.mpf(float(np.float32(float(x)))) - mp.mpf(s)
        ref = f(mp.mpf(s) + u)
        exact = max(exact, abs(mp.polyval(cf[::-1], u) / ref - 1))
        fl = max(fl, abs(mp.mpf(float(horner_f32(cf, np.float32(float(u))))) / ref - 1))
    ulp = mp.mpf(2) ** -24
    print(f"{name}: degree {deg}, Remez error {float(worst / ulp):.4f} ULP; shift S = {s!r} "
          f"(P(S) {off:.3f} ULP from a float)")
    print(f"  float coefficients: {float(exact / ulp):.4f} ULP exactly, {float(fl / ulp):.4f} ULP with float Horner")
    print("  in u = w - S, highest degree first:")
    for j in reversed(range(deg + 1)):
        print(f"    {cf[j]!r},")


print(f"y0 = {mp.nstr(Y0, 25)}; float pair {f32(Y0)!r} + {f32(Y0 - mp.mpf(f32(Y0)))!r}")
report("R(w) = C(y)*(1 + y)", r_fn, DEG_R, 0.4)
report("E(w) = (C(y) - y/sqrt(2 pi))/(y - y0)", e_fn, DEG_E, 0.4)
