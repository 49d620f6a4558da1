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


def fit_table_entry(us, fs, deg, constant=None, first=0, fixed=None):
    """One interval's polynomial (highest degree first) at the offsets us: powers first..deg, with the coefficients in
    `fixed` held. With `constant` the constant term is held at that float, and where it is f(c) at a zero of f the error
    is measured relative to f - f(c), that is u times the rest of the polynomial, so the fit keeps f's relative accuracy
    next to the zero (a constant of -0 leaves the scale f itself and keeps the sign of a zero u)."""
    fixed_coeffs, scale = dict(fixed or {}), fs
    if constant is not None:
        fixed_coeffs[0] = constant
        scale = fs - constant
    coeffs = fit_float_coefficients(us, fs, list(range(first, deg + 1)), fixed_coeffs, scale)
    return [coeffs.get(p, 0.0) for p in range(deg, -1, -1)]


def float_miss(v):
    """How far v lies from its nearest float, in ULPs of that float (an expansion point is chosen where f(c) is nearest
    a float: the constant term's rounding is the one coefficient rounding a fit cannot absorb)."""
    return abs(v - float(np.float32(v))) / abs(float(np.spacing(np.float32(v))))


def even_odd32(c, u):
    """The float32 evaluation of c (highest degree first) as even and odd halves in v = u*u (rounded): each half by
    Horner in v (horner32), then odd*u + even by one fma; every step one rounded fma, as the kernels that split their
    chain do."""
    u64 = u.astype(np.float64)
    v = (u64 * u64).astype(np.float32)
    low_first = list(reversed(c))
    even, odd = (horner32(list(reversed(low_first[j::2])), v).astype(np.float64) for j in (0, 1))
    return (odd * u64 + even).astype(np.float32)


def relative_ulps(coeffs, us, ref, evaluate=None):
    """The worst error relative to ref, in units of 2^-24, of the polynomial at the float32 offsets us: evaluated
    exactly, and in float32 by evaluate (horner32, or even_odd32)."""
    exact = np.polyval(np.array(coeffs, dtype=np.float64), us.astype(np.float64))
    flt = (evaluate or horner32)(coeffs, us).astype(np.float64)
    return tuple(float(np.max(np.abs((v - ref) / ref)) * 2 ** 24) for v in (exact, flt))


def print_tables(centres, table):
    """The kernel's C# tables: the expansion points, then one Vector512 per power, highest first (entry k: interval k)."""
    print('    Vector512.Create(' + ', '.join('%.9gf' % np.float32(c) for c in centres) + ')')
    for j in range(len(table[0])):
        print('    Vector512.Create(' + ', '.join('%.9gf' % np.float32(t[j]) for t in table) + ')')


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
