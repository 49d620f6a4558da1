#!/usr/bin/python3
"""Coefficients for the double ln(1 + e), 0 <= e <= 1, of src/ActivationKit/Kernels/VMath.cs (Log1pUnit).

The double counterpart of fit_log1p_unit_float.py: ln(1 + e) = 2 atanh(s) with s = e/(2 + e) in [0, 1/3], and
2 atanh(s) = 2s + 2s^3 h(s^2) with h(z) = (atanh(sqrt z)/sqrt z - 1)/z = 1/3 + z/5 + z^2/7 + ... on z in [0, 1/9].
Fits 2h by a Remez exchange weighted by s^3/ln(1 + e) (the share of 2s^3 h in the result), in 80-digit arithmetic,
rounds the coefficients to double and reports the worst error of 2s + 2s^3 h(s^2) relative to ln(1 + e), in double
ULPs (2^-53 relative), over a grid of e. The Taylor series needs 16 terms for the same bound; the kernel uses degree 10.
Run: /usr/bin/python3 tools/poly/fit_log1p_unit_double.py [degree]   (about a minute)
"""
import sys
import mpmath as mp
from weighted_remez import remez

mp.mp.dps = 80
args = [a for a in sys.argv[1:] if not a.startswith("--")]
deg = int(args[0]) if args else 10
zmax = mp.mpf(1) / 9 * (1 + mp.mpf(2) ** -40)


def h(z):
    if z < mp.mpf(10) ** -40:
        return mp.mpf(1) / 3 + z / 5
    r = mp.sqrt(z)
    return (mp.atanh(r) / r - 1) / z


def weight(z):
    r = mp.sqrt(z)
    return r * z / (2 * mp.atanh(r))


c, _ = remez(lambda z: 2 * h(z), weight, deg, [zmax * (i + 1) / 3000 for i in range(3000)])
cf = [float(c[j]) for j in range(deg + 1)]
worst = mp.mpf(0)
for i in range(1, 20001):
    e = mp.mpf(i) / 20000
    s = e / (2 + e)
    z = s * s
    p = mp.mpf(0)
    for coef in reversed(cf):
        p = p * z + mp.mpf(coef)
    approx = 2 * s + s * z * p
    worst = max(worst, abs(approx - mp.log1p(e)) / mp.log1p(e))
print(f"2h(z) of degree {deg} in z = s^2; double coefficients, highest first:")
for j in reversed(range(deg + 1)):
    print(f"    {cf[j]!r:>24}   // z^{j} (series 2/{2 * j + 3} = {2 / (2 * j + 3):.17g})")
print(f"worst error in exact arithmetic: {float(worst / mp.mpf(2) ** -53):.4f} ULP")
