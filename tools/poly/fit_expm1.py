#!/usr/bin/python3
"""Near-minimax coefficients for the exp/expm1 kernels: float (src/ActivationKit/Kernels/VMath.Float.cs) or, with
--double, double (src/ActivationKit/Kernels/VMath.cs).

Fits q(r) = (e^r - 1 - r) / r^2 on |r| <= ln2/2 (plus a little slack for rounding in the reduction) by interpolation
at Chebyshev nodes in 60-digit arithmetic, rounds the coefficients to float, and reports the worst error of
r + r^2*q(r) relative to e^r - 1 and to e^r, in float ULPs (2^-24 relative), over a dense grid.
With --short it fits instead by a Remez exchange weighted by r^2/e^r, which equalises the error relative to e^r
(not to e^r - 1): the shorter polynomial of ExpReducedShortF, degree 4 (0.064 ULP relative to e^r, 0.32 to e^r - 1).
With --short --expm1 the weight is r^2/|e^r - 1|, equalising the error relative to e^r - 1: the polynomial t of
Expm1ReducedM1ShortF and Expm1OfDoubledF, degree 4 (0.28 ULP relative to e^r - 1, 0.10 to e^r).
With --double (always a Remez exchange) the arithmetic has 80 digits, the coefficients are rounded to double and the
errors are in double ULPs (2^-53 relative): degree 9 is VMath.ExpClamped's q (0.11 ULP relative to e^r; the Taylor
series needs three terms more), degree 10 with --expm1 VMath.Expm1Reduced's (0.009 ULP relative to e^r - 1).
With --double --eighths the range is |r| <= ln2/16, the reduced argument of VMath.ExpEighths (degree 5: q there, 0.026 ULP
relative to e^r), and the table 2^(j/8) it multiplies is printed as bits.
Run: /usr/bin/python3 tools/poly/fit_expm1.py [degree] [--short] [--expm1] [--double] [--eighths]   (about a minute with --double)
"""
import sys
import mpmath as mp
import numpy as np
from weighted_remez import remez

double = "--double" in sys.argv
mp.mp.dps = 80 if double else 60
args = [a for a in sys.argv[1:] if not a.startswith("--")]
short = "--short" in sys.argv or double
for_expm1 = "--expm1" in sys.argv
deg = int(args[0]) if args else ((10 if for_expm1 else 9) if double else (4 if short else 5))
# --eighths: the reduced range of the table exponential 2^(j/8)·e^r (VMath.ExpEighths), |r| <= ln2/16.
eighths = "--eighths" in sys.argv
a = mp.log(2) / (16 if eighths else 2) * (1 + mp.mpf(2) ** (-30 if double else -20))


def q(r):
    if abs(r) < mp.mpf(10) ** (-30 if double else -20):
        return mp.mpf(1) / 2 + r / 6
    return (mp.expm1(r) - r) / r ** 2


if short:
    if double:
        # Slightly asymmetric, so that no reference point of the exchange lands on r = 0, where the weight vanishes
        # (at the double degrees the symmetric grid made the first system singular).
        grid = [-a + (2 * a + mp.mpf(10) ** -6) * (i + mp.mpf(1) / 2) / 3000 for i in range(3000)]
    else:
        grid = [-a + 2 * a * i / 4000 for i in range(4001) if 2 * i != 4000]
    c, _ = remez(q, (lambda r: r * r / abs(mp.expm1(r))) if for_expm1 else (lambda r: r * r / mp.exp(r)), deg, grid)
else:
    nodes = [a * mp.cos(mp.pi * (2 * k + 1) / (2 * (deg + 1))) for k in range(deg + 1)]
    A = mp.matrix([[x ** j for j in range(deg + 1)] for x in nodes])
    c = mp.lu_solve(A, mp.matrix([q(x) for x in nodes]))
cf = [float(c[j]) if double else float(np.float32(float(c[j]))) for j in range(deg + 1)]
worst_m1 = worst_e = mp.mpf(0)
for r in np.linspace(-float(a), float(a), 20001):
    r = mp.mpf(float(r) if double else float(np.float32(r)))
    if r == 0:
        continue
    p = mp.mpf(0)
    for coef in reversed(cf):
        p = p * r + mp.mpf(coef)
    approx = r + r * r * p
    worst_m1 = max(worst_m1, abs(approx - mp.expm1(r)) / abs(mp.expm1(r)))
    worst_e = max(worst_e, abs(approx + 1 - mp.exp(r)) / mp.exp(r))
ulp = mp.mpf(2) ** (-53 if double else -24)
print(f"degree {deg + 2} polynomial (q of degree {deg}); {'double' if double else 'float'} coefficients, highest first:")
for j in reversed(range(deg + 1)):
    print(f"    {cf[j]!r:>26}   # r^{j + 2} (Taylor 1/{mp.factorial(j + 2)} = {float(1 / mp.factorial(j + 2)):.{17 if double else 9}g})")
print(f"worst error in exact arithmetic: expm1 {float(worst_m1 / ulp):.4f} ULP, exp {float(worst_e / ulp):.4f} ULP")
if eighths and double:
    import struct
    print("the table 2^(j/8), j = 0..7, rounded to double (Exp2Table.EighthsBits), and each entry's relative error:")
    for j in range(8):
        exact = mp.power(2, mp.mpf(j) / 8)
        v = float(exact)
        print(f"    0x{struct.unpack('<Q', struct.pack('<d', v))[0]:016X}   # 2^({j}/8) = {v!r}, {float((v - exact) / exact / ulp):+.3f} ULP")

