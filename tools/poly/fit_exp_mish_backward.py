#!/usr/bin/python3
"""Short double-precision e^r for mish's float-grade backward (src/ActivationKit/Functions/Mish.cs, BackwardForFloat).

A float result rounded once from double lanes does not need a double-accurate exponential: mish' amplifies a relative
error of e^x at most 4.6-fold (its condition number with respect to e^x, largest at x = -1.14, just outside the
+-0.05 window around the zero x0 = -1.19243 of f'), so e^r good to ~1e-10 costs under 0.01 float ULP there.

Inside the window the accuracy meter still reports relative errors up to 4 ULP (larger ones are measured absolutely),
and near x0 a relative error eps of e^x becomes eps*0.063/|f'(x)|: any error of order 1e-10 at r0 = x0 + 2 ln2 (the
reduced argument of x0; n = -2 there) would show up as a few relative ULP right next to x0. So e^r also matches
e^r0 in value and slope (a double node at r0): its error there grows like (r - r0)^2 and stays below 1e-14 within
+-1e-3 of x0, far below what f' = O(|x - x0|) can show.

The other conditions are four interpolation nodes taken from the 6- and 7-point Chebyshev sets on |r| <= ln2/2 (plus
slack for the reduction's rounding), the four that minimise the worst relative error of 1 + r*(1 + r*q(r)) against e^r
(q of degree 5), in 60-digit arithmetic with the coefficients rounded to double.
Run: /usr/bin/python3 tools/poly/fit_exp_mish_backward.py
"""
import itertools
import mpmath as mp

mp.mp.dps = 60
deg = 5
a = mp.log(2) / 2 * (1 + mp.mpf(2) ** -20)


def mish_slope(x):
    e = mp.exp(x)
    omega = e ** 3 + 4 * e ** 2 + e * (4 * x + 6) + 4 * (x + 1)
    delta = e * e + 2 * e + 2
    return e * omega / delta ** 2


x0 = mp.findroot(mish_slope, mp.mpf('-1.1924312145154952'))
r0 = x0 + 2 * mp.log(2)


def q(r):
    return (mp.expm1(r) - r) / r ** 2


def evaluate(cf, r):
    p = mp.mpf(0)
    for coef in reversed(cf):
        p = p * r + mp.mpf(coef)
    return 1 + r * (1 + r * p)


def fit(nodes, steps):
    rows = [[x ** j for j in range(deg + 1)] for x in nodes + [r0]]
    rows.append([j * r0 ** (j - 1) if j > 0 else 0 for j in range(deg + 1)])
    rhs = [q(x) for x in nodes + [r0]] + [mp.diff(q, r0)]
    c = mp.lu_solve(mp.matrix(rows), mp.matrix(rhs))
    cf = [float(c[j]) for j in range(deg + 1)]
    worst = max(abs(evaluate(cf, r) - mp.exp(r)) / mp.exp(r) for r in (-a + 2 * a * i / steps for i in range(steps + 1)))
    return cf, worst


candidates = sorted({float(a * mp.cos(mp.pi * (2 * k + 1) / (2 * m))) for m in (6, 7) for k in range(m)} - {0.0})
best = None
for combo in itertools.combinations(candidates, 4):
    cf, worst = fit([mp.mpf(t) for t in combo], 2000)
    if best is None or worst < best[1]:
        best = (combo, worst, cf)
combo, _, cf = best
cf, worst = fit([mp.mpf(t) for t in combo], 20000)
print(f"x0 = {mp.nstr(x0, 20)}, r0 = {mp.nstr(r0, 20)}; nodes {[round(t, 6) for t in combo]} and a double node at r0")
print(f"e^r = 1 + r(1 + r q(r)), q of degree {deg}; double coefficients, highest first:")
for j in reversed(range(deg + 1)):
    print(f"    {cf[j]!r:>24}   # r^{j + 2} (Taylor 1/{mp.factorial(j + 2)})")
print(f"worst relative error over |r| <= ln2/2: {float(worst):.3e}")
for d in (0, 1e-6, 1e-4, 1e-3, 1e-2):
    r = r0 + d
    print(f"  at r0 + {d:g}: {float((evaluate(cf, r) - mp.exp(r)) / mp.exp(r)):.3e}")
