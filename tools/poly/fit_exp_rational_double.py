#!/usr/bin/python3
"""A rational e^r for double lanes whose division a logistic shares (src/ActivationKit/Kernels/VMath.cs, LogisticRational).

e^r = P(r)/P(-r) with P(r) = U(s) + r*V(s), s = r^2, on |r| <= ln2/2 (plus the reduction's rounding). The form is
exactly reciprocal (P(r)/P(-r) times P(-r)/P(r) is 1), and it holds exactly when r*V/U = tanh(r/2), so V/U is fitted
to f(s) = tanh(sqrt(s)/2)/sqrt(s) (f(0) = 1/2) with U(0) = 1, minimising the relative error of V/U (Lawson's
iteratively reweighted least squares on the linearised residual V - f*U, in mpmath). A relative error eps of V/U
moves e^r by about |r|*eps <= 0.35*eps, and the roundings inside U, V and r*V are damped the same way: only the
final sums P = U + r*V and Q = U - r*V round at full weight.

Prints the coefficients rounded to double, the worst relative error of P/Q against e^r with those coefficients in
exact arithmetic, and of a double evaluation in the kernel's order (fma emulated exactly, then rounded), in double
ULPs (2^-52 relative, as the golden tests count for results in [1, 2)).
Run: /usr/bin/python3 tools/poly/fit_exp_rational_double.py [degU] [degV]   (about 20 s)
"""
import sys
import mpmath as mp

DEG_U = int(sys.argv[1]) if len(sys.argv) > 1 else 2
DEG_V = int(sys.argv[2]) if len(sys.argv) > 2 else 2
mp.mp.dps = 60
R_MAX = mp.log(2) / 2 * (1 + mp.mpf(2) ** -20)
S_MAX = R_MAX * R_MAX
N_GRID = 400


def f(s):
    if s == 0:
        return mp.mpf(1) / 2
    r = mp.sqrt(s)
    return mp.tanh(r / 2) / r


grid = [S_MAX * (1 - mp.cos(mp.pi * (k + mp.mpf(1) / 2) / N_GRID)) / 2 for k in range(N_GRID)]
fg = [f(s) for s in grid]


def poly(c, s):
    acc = mp.mpf(0)
    for v in reversed(c):
        acc = acc * s + v
    return acc


def fit():
    # Unknowns: u1..u_degU, v0..v_degV. Residual V(s) - f*(U(s) - 1) - f, weighted by 1/(f*U_k).
    n_u, n_v = DEG_U, DEG_V + 1
    weights = [mp.mpf(1)] * N_GRID
    u_prev = [mp.mpf(1)] * N_GRID
    best = None
    for _ in range(60):
        rows, rhs = [], []
        for s, fv, w, uk in zip(grid, fg, weights, u_prev):
            sc = mp.sqrt(w) / (fv * uk)
            rows.append([-fv * s ** (j + 1) * sc for j in range(n_u)] + [s ** j * sc for j in range(n_v)])
            rhs.append(fv * sc)
        a = mp.matrix(rows)
        b = mp.matrix(rhs)
        sol = mp.lu_solve(a.T * a, a.T * b)
        u = [mp.mpf(1)] + [sol[j] for j in range(n_u)]
        v = [sol[n_u + j] for j in range(n_v)]
        errs = [poly(v, s) / (fv * poly(u, s)) - 1 for s, fv in zip(grid, fg)]
        worst = max(abs(e) for e in errs)
        if best is None or worst < best[0]:
            best = (worst, u, v)
        u_prev = [poly(u, s) for s in grid]
        total = mp.fsum(w * abs(e) for w, e in zip(weights, errs))
        weights = [w * abs(e) / total for w, e in zip(weights, errs)]
    return best


worst, u, v = fit()
print(f"V/U relative error (exact coefficients): {mp.nstr(worst, 5)}")
ud = [float(c) for c in u]
vd = [float(c) for c in v]
print("U =", [repr(c) for c in ud])
print("V =", [repr(c) for c in vd])


def rd(x):
    """Round an exact mpf to the nearest double."""
    return mp.mpf(float(x))


def fma(a, b, c):
    return rd(mp.mpf(a) * b + c)


def kernel(r):
    """The kernel's order: s = r*r; U, V by Horner (fma); w = r*V; P = U + w; Q = U - w."""
    r = mp.mpf(r)
    s = rd(r * r)
    uu = mp.mpf(ud[-1])
    for c in reversed(ud[:-1]):
        uu = fma(uu, s, c)
    vv = mp.mpf(vd[-1])
    for c in reversed(vd[:-1]):
        vv = fma(vv, s, c)
    w = rd(r * vv)
    return rd(uu + w), rd(uu - w)


def ulp_rel(value, ref):
    return abs(value / ref - 1) / mp.mpf(2) ** -52


exact_worst = mp.mpf(0)
eval_worst = mp.mpf(0)
at = None
steps = 4001
for k in range(steps):
    r = -R_MAX + 2 * R_MAX * k / (steps - 1)
    r = mp.mpf(float(r))
    ref = mp.exp(r)
    s = r * r
    g = (poly(ud, s) + r * poly(vd, s)) / (poly(ud, s) - r * poly(vd, s))
    exact_worst = max(exact_worst, ulp_rel(g, ref))
    p, q = kernel(r)
    e = ulp_rel(p / q, ref)
    if e > eval_worst:
        eval_worst, at = e, r
print(f"P/Q with double coefficients, exact arithmetic: {mp.nstr(exact_worst, 4)} ULP (2^-52 relative)")
print(f"P/Q from the double evaluation of P and Q (quotient exact): {mp.nstr(eval_worst, 4)} ULP at r = {mp.nstr(at, 8)}")
