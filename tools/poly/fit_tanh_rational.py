#!/usr/bin/python3
"""Rational tanh for float lanes (src/ActivationKit/Functions/Tanh.cs).

tanh(x) = x * P(s) / Q(s), s = x^2, on |x| <= 9 (beyond, tanh rounds to 1 within a step of the float grid),
with P(s) = 1 + s*A(s) and Q(s) = 1 + s*B(s), so that tiny x gives x exactly and each of P, Q is one fused
rounding after its polynomial. A has degree DEG_A, B degree DEG_B (default 5 and 2: 7 and 4 coefficients with the
ones, the shape of Eigen's 13/6 rational).

Fit: the relative error x*P/(Q*tanh) - 1 is minimised on a dense grid by Lawson's iteratively reweighted least
squares on the linearised residual (x*P - tanh*Q)/(tanh*Q_k), in the variable w = s/81 for conditioning, then
the coefficients are rounded to float one at a time (highest first), refitting the rest after each rounding.
Reports the worst relative error in exact arithmetic (float coefficients) and of a float32 evaluation with fma
emulated in double (every STEP-th float in [2^-12, 9]), in float ULPs.
Run: /usr/bin/python3 tools/poly/fit_tanh_rational.py [degA] [degB] [step]   (about a minute)
"""
import sys
import numpy as np
import mpmath as mp

DEG_A = int(sys.argv[1]) if len(sys.argv) > 1 else 5
DEG_B = int(sys.argv[2]) if len(sys.argv) > 2 else 2
STEP = int(sys.argv[3]) if len(sys.argv) > 3 else 97
X_MAX = 9.0
S_MAX = X_MAX * X_MAX

# Grid: dense in x on (0, 9], denser near the ends.
t = np.linspace(0.0, np.pi, 6001)[1:]
xg = X_MAX * (1 - np.cos(t)) / 2
xg = np.unique(np.concatenate([xg, np.linspace(1e-3, X_MAX, 4000)]))
mp.mp.dps = 30
fg = np.array([float(mp.tanh(mp.mpf(v))) for v in xg])
sg = xg * xg
wg = sg / S_MAX


def columns(fixed_a, fixed_b):
    """Unknown columns of x*s*A(s) - f*s*B(s) in the w basis, skipping coefficients already fixed."""
    cols, names = [], []
    for j in range(DEG_A + 1):
        if j not in fixed_a:
            cols.append(xg * sg * wg ** j)
            names.append(("a", j))
    for j in range(DEG_B + 1):
        if j not in fixed_b:
            cols.append(-fg * sg * wg ** j)
            names.append(("b", j))
    return np.stack(cols, axis=1), names


def poly_w(c, w):
    r = np.zeros_like(w)
    for v in reversed(c):
        r = r * w + v
    return r


def fit(fixed_a, fixed_b, iters=300):
    """Lawson IRLS for the minimax relative error; fixed_* map index -> coefficient in the w basis."""
    m, names = columns(fixed_a, fixed_b)
    known_a = np.array([fixed_a.get(j, 0.0) for j in range(DEG_A + 1)])
    known_b = np.array([fixed_b.get(j, 0.0) for j in range(DEG_B + 1)])
    rhs0 = fg - xg - (xg * sg * poly_w(known_a, wg) - fg * sg * poly_w(known_b, wg))
    qk = np.ones_like(xg)
    lw = np.ones_like(xg) / len(xg)
    best = None
    for it in range(iters):
        scale = 1.0 / (fg * qk)
        wts = np.sqrt(lw) * scale
        sol, *_ = np.linalg.lstsq(m * wts[:, None], rhs0 * wts, rcond=None)
        a = known_a.copy()
        b = known_b.copy()
        for v, (k, j) in zip(sol, names):
            (a if k == "a" else b)[j] = v
        p = 1 + sg * poly_w(a, wg)
        q = 1 + sg * poly_w(b, wg)
        err = xg * p / (q * fg) - 1
        e = np.max(np.abs(err))
        if best is None or e < best[0]:
            best = (e, a.copy(), b.copy())
        qk = q
        lw = lw * np.abs(err) + 1e-300
        lw /= lw.sum()
    return best


def to_s(c):
    """w-basis coefficients of A or B to the s basis (s = 81 w)."""
    return [v / S_MAX ** j for j, v in enumerate(c)]


def f32(v):
    return float(np.float32(v))


fixed_a, fixed_b = {}, {}
e, a, b = fit(fixed_a, fixed_b)
print(f"double coefficients: max rel err {e:.3e} = {e * 2**24:.3f} float ULP")
# Round one coefficient at a time to float (in the s basis), highest degree first, refitting the rest.
order = [("a", j) for j in range(DEG_A, -1, -1)] + [("b", j) for j in range(DEG_B, -1, -1)]
order.sort(key=lambda kj: -kj[1])
for k, j in order:
    cs = to_s(a if k == "a" else b)[j]
    wv = f32(cs) * S_MAX ** j
    (fixed_a if k == "a" else fixed_b)[j] = wv
    if len(fixed_a) + len(fixed_b) < DEG_A + DEG_B + 2:
        e, a, b = fit(fixed_a, fixed_b, iters=150)
    else:
        a = np.array([fixed_a[j] for j in range(DEG_A + 1)])
        b = np.array([fixed_b[j] for j in range(DEG_B + 1)])
A = [f32(v) for v in to_s(a)]
B = [f32(v) for v in to_s(b)]
print("A =", [repr(v) for v in A])
print("B =", [repr(v) for v in B])

# Exact arithmetic with the float coefficients.
mp.mp.dps = 40


def rat_exact(x):
    s = x * x
    pa = mp.mpf(0)
    for v in reversed(A):
        pa = pa * s + mp.mpf(v)
    pb = mp.mpf(0)
    for v in reversed(B):
        pb = pb * s + mp.mpf(v)
    return x * (1 + s * pa) / (1 + s * pb)


xs = np.linspace(1e-3, X_MAX, 3001)
worst = max(abs(rat_exact(mp.mpf(v)) / mp.tanh(mp.mpf(v)) - 1) for v in xs)
print(f"float coefficients, exact arithmetic: {float(worst) * 2**24:.3f} ULP (relative 2^-24)")


def fma32(a, b, c):
    return np.float32(np.float64(a) * np.float64(b) + np.float64(c))


def rat_f32(x):
    """The kernel's evaluation order in float32: s = x*x; A and B by Horner (fma); P = fma(s, A, 1) and
    numerator x*P as fma(x*s, A, x); Q = fma(s, B, 1); quotient."""
    x = np.float32(x)
    s = np.float32(x * x)
    pa = np.float32(A[-1])
    for v in reversed(A[:-1]):
        pa = fma32(pa, s, np.float32(v))
    pb = np.float32(B[-1])
    for v in reversed(B[:-1]):
        pb = fma32(pb, s, np.float32(v))
    num = fma32(np.float32(x * s), pa, x)
    den = fma32(s, pb, np.float32(1))
    return np.float32(num / den)


def ulp_err(y, x):
    ref = mp.tanh(mp.mpf(float(x)))
    yv = mp.mpf(float(y))
    # ULP of the reference in float.
    m, ex = mp.frexp(ref)
    ulp = mp.ldexp(1, int(ex) - 24)
    return float(abs(yv - ref) / ulp)


lo = np.float32(2.0 ** -12).view(np.int32)
hi = np.float32(X_MAX).view(np.int32)
bits = np.arange(lo, hi + 1, STEP, dtype=np.int32)
xsf = bits.view(np.float32)
worst, at = 0.0, None
for x in xsf:
    u = ulp_err(rat_f32(x), x)
    if u > worst:
        worst, at = u, float(x)
print(f"float32 evaluation (every {STEP}th float in [2^-12, 9]): {worst:.3f} ULP at x = {at!r}")
