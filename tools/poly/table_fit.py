"""The per-interval fit shared by tools/poly/fit_gelu_table.py and tools/poly/fit_mish_table.py.

fit_float_coefficients fits f at the points us (offsets from the interval's expansion point) by a polynomial with
float32 coefficients, for relative error: least squares weighted by 1/scale, reweighted towards the minimax fit
(Lawson's iteration), and the coefficients rounded to float one at a time from the lowest power up, the rest refitted
after each rounding so that the fit absorbs it. Powers already fixed by the caller (a constant term of -0 or f(c)) are
passed in `fixed_coeffs`; `scale` is what the error is relative to (f itself, or f - f(c) where f crosses zero at c).
horner32 evaluates such a polynomial as the kernels do: float32 Horner steps, each fma rounded once.
"""
import numpy as np


def fit_float_coefficients(us, fs, powers, fixed_coeffs=None, scale=None, rounds=30):
    """Returns {power: float32 coefficient as a Python float} for `powers` plus the fixed ones."""
    coeffs = dict(fixed_coeffs or {})
    scale = fs if scale is None else scale
    fixed = np.zeros_like(fs)
    for p, c in coeffs.items():
        fixed = fixed + c * us ** p
    free_powers = [p for p in powers if p not in coeffs]
    for p in free_powers:
        free = [q for q in free_powers if q not in coeffs]
        a = np.stack([us ** q for q in free], axis=1)
        w = np.ones_like(fs)
        for _ in range(rounds):
            sol, *_ = np.linalg.lstsq(a * (w / scale)[:, None], (fs - fixed) * w / scale, rcond=None)
            err = np.abs((a @ sol + fixed - fs) / scale)
            w = w * (err / err.max()) ** 0.5 + 1e-12
            w = w / w.max()
        coeffs[p] = float(np.float32(sol[0]))
        fixed = fixed + coeffs[p] * us ** p
    return coeffs


def chebyshev_nodes(lo, hi, n):
    """n Chebyshev nodes of the first kind on [lo, hi] (the fitting points of every per-interval fit)."""
    return lo + (hi - lo) * (1 - np.cos(np.pi * (np.arange(n) + 0.5) / n)) / 2


def horner32(c, u):
    """The float32 Horner evaluation of c (highest degree first) at the float32 offsets u, each step one rounded fma."""
    acc = np.full(u.shape, np.float32(c[0]), dtype=np.float32)
    u64 = u.astype(np.float64)
    for ci in c[1:]:
        acc = (acc.astype(np.float64) * u64 + np.float64(np.float32(ci))).astype(np.float32)
    return acc
