#!/usr/bin/python3
"""How short would erf GELU's float polynomials get with a table of coefficients? (docs/performance-history.md)

The float-lane GELU (src/ActivationKit/Functions/Gelu.cs, tools/poly/fit_gelu_float.py) evaluates R(w) (forward, degree
10) and E(w) (backward, degree 9) on all of w = y/(4 + y) in [0, 15/19]. A table-driven form would split that range into
N equal intervals, look each lane's coefficients up by its interval (one permute per coefficient) and evaluate a short
polynomial in w minus the interval's centre. This prints, per interval, the least degree whose fit (least squares on
200 Chebyshev nodes, relative error, an estimate of the minimax degree) stays under 2^-27, 2^-26 and 2^-25.
Run: /usr/bin/python3 tools/poly/gelu_table_degrees.py   (about a minute)
"""
import mpmath as mp
import numpy as np

mp.mp.dps = 30
K = 1 / mp.sqrt(2 * mp.pi)


def mills(y):
    return mp.exp(y * y / 2) * mp.erfc(y / mp.sqrt(2)) / 2


Y0 = mp.findroot(lambda y: mills(y) - K * y, 0.75)


def r_fn(w):
    y = 4 * w / (1 - w)
    return mills(y) * (1 + y)


def e_fn(w):
    y = 4 * w / (1 - w)
    if abs(y - Y0) < mp.mpf(10) ** -20:
        return Y0 * mills(Y0) - 2 * K
    return (mills(y) - K * y) / (y - Y0)


def least_degree(f, lo, hi, target):
    xs = np.array([float(lo + (hi - lo) * (1 - mp.cos(mp.pi * (i + 0.5) / 200)) / 2) for i in range(200)])
    fs = np.array([float(f(mp.mpf(x))) for x in xs])
    centre = (lo + hi) / 2
    for degree in range(1, 14):
        a = np.vander(xs - centre, degree + 1) / fs[:, None]
        coefficients, *_ = np.linalg.lstsq(a, np.ones_like(xs), rcond=None)
        if np.max(np.abs(a @ coefficients - 1)) < target:
            return degree
    return None


W_MAX = 15 / 19
for exponent in (27, 26, 25):
    for name, f in (("R", r_fn), ("E", e_fn)):
        for n in (8, 16, 32):
            degrees = [least_degree(f, j / n * W_MAX, (j + 1) / n * W_MAX, 2.0 ** -exponent) for j in range(n)]
            print(f"2^-{exponent} {name} N={n:2d}: highest degree {max(degrees)}  {degrees}")
