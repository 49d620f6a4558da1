#!/usr/bin/python3
"""Coefficients for the double e^x of x <= 0 in src/ActivationKit/Kernels/VMath.cs (ExpNonPositive).

Fits q(r) = (e^r - 1 - r)/r^2 on |r| <= ln2/2 (plus slack for the rounding of the reduction) by a Remez exchange
weighted by r^2/e^r, the share of r^2 q in e^r = 1 + r + r^2 q(r), so the error equioscillates relative to e^r; in
80-digit arithmetic. Rounds the coefficients to double and reports the worst error of 1 + r + r^2 q(r) relative to
e^r, in double ULPs (2^-53 relative), over a grid of r. The Taylor series (VMath.Expm1Reduced, degree 14) reaches
the same bound with three more terms; the kernel uses degree 9 for q (e^r to degree 11).
With --expm1 the weight is r^2/|e^r - 1| and the error is reported relative to e^r - 1: the polynomial of
VMath.Expm1Reduced.
Run: /usr/bin/python3 tools/poly/fit_exp_double.py [degree] [--expm1]   (about a minute)
"""
import sys
import mpmath as mp
from weighted_remez import remez

mp.mp.dps = 80
args = [a for a in sys.argv[1:] if not a.startswith("--")]
deg = int(args[0]) if args else 9
a = mp.log(2) / 2 * (1 + mp.mpf(2) ** -30)


def q(r):
    if abs(r) < mp.mpf(10) ** -30:
        return mp.mpf(1) / 2 + r / 6
    return (mp.expm1(r) - r) / r ** 2


# (slightly asymmetric, so that no reference point of the exchange lands on r = 0, where the weight vanishes)
grid = [-a + (2 * a + mp.mpf(10) ** -6) * (i + mp.mpf(1) / 2) / 3000 for i in range(3000)]
for_expm1 = "--expm1" in sys.argv
c, _ = remez(q, (lambda r: r * r / abs(mp.expm1(r))) if for_expm1 else (lambda r: r * r / mp.exp(r)), deg, grid)
cf = [float(c[j]) for j in range(deg + 1)]
worst = mp.mpf(0)
for i in range(20001):
    r = -a + 2 * a * i / 20000
    p = mp.mpf(0)
    for coef in reversed(cf):
        p = p * r + mp.mpf(coef)
    if for_expm1 and r == 0:
        continue
    ref = mp.expm1(r) if for_expm1 else mp.exp(r)
    worst = max(worst, abs(1 + r + r * r * p - mp.exp(r)) / abs(ref))
print(f"q(r) of degree {deg}; double coefficients, highest first:")
for j in reversed(range(deg + 1)):
    print(f"    {cf[j]!r:>24}   // r^{j} (series 1/{j + 2}! = {float(1 / mp.factorial(j + 2)):.17g})")
print(f"worst error in exact arithmetic: {float(worst / mp.mpf(2) ** -53):.4f} ULP relative to {'e^r - 1' if for_expm1 else 'e^r'}")
