#!/usr/bin/python3
"""Coefficients for ln(1 + e), 0 <= e <= 1: the float Log1pUnitF of src/ActivationKit/Kernels/VMath.Float.cs, or
with --double the double Log1pUnit of src/ActivationKit/Kernels/VMath.cs.

ln(1 + e) = 2 atanh(s) with s = e/(2 + e) in [0, 1/3], and 2 atanh(s) = 2s + 2s^3 h(s^2) with
h(z) = (atanh(sqrt z)/sqrt z - 1)/z = 1/3 + z/5 + z^2/7 + ... on z in [0, 1/9]. Fits 2h by a Remez exchange
weighted by s^3/ln(1 + e) (the share of 2s^3 h in the result, so the error equioscillates in the result's relative
terms) in 60-digit arithmetic -- or, with --interpolate, by interpolation at Chebyshev nodes, as the first version
did -- rounds the coefficients to float and reports the worst error of 2s + 2s^3 h(s^2) relative to ln(1 + e), in
float ULPs (2^-24 relative), over a dense grid of e. The kernel uses degree 3 (0.09 ULP); degree 4 gives 0.016.
With --double: 80-digit arithmetic, coefficients rounded to double and the error in double ULPs (2^-53 relative);
the double kernel uses degree 9 (0.021 ULP; the Taylor series needs 16 terms for the same bound).
Run: /usr/bin/python3 tools/poly/fit_log1p_unit.py [degree] [--interpolate] [--double]   (20 s; about a minute with --double)
"""
import sys
import mpmath as mp
import numpy as np
from weighted_remez import remez

double = "--double" in sys.argv
mp.mp.dps = 80 if double else 60
args = [a for a in sys.argv[1:] if not a.startswith("--")]
deg = int(args[0]) if args else (9 if double else 3)
zmax = mp.mpf(1) / 9 * (1 + mp.mpf(2) ** (-40 if double else -20))


def h(z):
    if z < mp.mpf(10) ** -30:
        return mp.mpf(1) / 3 + z / 5
    r = mp.sqrt(z)
    return (mp.atanh(r) / r - 1) / z


if "--interpolate" in sys.argv:
    nodes = [zmax / 2 * (1 + mp.cos(mp.pi * (2 * k + 1) / (2 * (deg + 1)))) for k in range(deg + 1)]
    A = mp.matrix([[x ** j for j in range(deg + 1)] for x in nodes])
    c = mp.lu_solve(A, mp.matrix([2 * h(x) for x in nodes]))
else:
    def weight(z):
        r = mp.sqrt(z)
        return r * z / (2 * mp.atanh(r))

    c, _ = remez(lambda z: 2 * h(z), weight, deg, [zmax * (i + 1) / 4000 for i in range(4000)])
cf = [float(c[j]) if double else float(np.float32(float(c[j]))) for j in range(deg + 1)]
worst = mp.mpf(0)
for e in np.linspace(0, 1, 20001 if double else 40001)[1:]:
    e = mp.mpf(float(e) if double else float(np.float32(e)))
    s = e / (2 + e)
    z = s * s
    p = mp.mpf(0)
    for coef in reversed(cf):
        p = p * z + mp.mpf(coef)
    approx = 2 * s + s * z * p
    worst = max(worst, abs(approx - mp.log1p(e)) / mp.log1p(e))
print(f"2h(z) of degree {deg} in z = s^2; {'double' if double else 'float'} coefficients, highest first:")
for j in reversed(range(deg + 1)):
    print(f"    {cf[j]!r:>26}   # z^{j} (series 2/{2 * j + 3} = {2 / (2 * j + 3):.17g})")
print(f"worst error in exact arithmetic: {float(worst / mp.mpf(2) ** (-53 if double else -24)):.4f} ULP")
