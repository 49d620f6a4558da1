#!/usr/bin/python3
"""Float-lane candidates for mish' (src/ActivationKit/Functions/Mish.cs), modelled in numpy float32.

mish' of float data runs in double lanes today (about 0.95 ns/element at n = 262,144 against oneDNN's 0.63). This
script measures what float lanes would cost in accuracy, so the choice is recorded with numbers
(docs/performance-history.md, "mish' in float lanes"). Every operation is rounded to float32 as the kernels would round it;
an fma is a*b + c formed in double and rounded once (exact product, so only a rare double rounding differs from a
hardware fma). e = e^-|x| = 2^k (1 + m) comes from the kernels' short float polynomial with the Cody-Waite reduction.
The reference is the double formula of Mish.ReferenceDerivative; errors are float ULPs, measured as AccuracyMeter
does (absolutely, in ULPs of 1, within 0.05 of the zero x0 of f' where the relative error exceeds 4).

Candidates (with u = e^-|x|, w4 = 4(x + 1), c46 = 4x + 6; x >= 0 reads u as e^-x, x < 0 as e^x):
  plain    f' = u*omega/delta^2 for x < 0 and N/D^2 for x >= 0, omega and N by one Horner scheme with blended
           coefficients (its last step with 1 + m unrounded: exact by Sterbenz next to the zero), delta^2 and D^2
           as degree-4 polynomials, u's power of two applied last;
  split    x < 0: omega = fma(u, c46, w4) + u*(u*(u + 4)), which is exact next to the zero up to the roundings of
           u*(u + 4) (fma(u, c46, w4) and the last sum cancel by Sterbenz); x >= 0: f' = 1 - 2u^2 (1 + 2(1 + u)(u - x))/D^2,
           whose error is damped by the small second term;
  kform    x < 0: f' = e (z - e K), z = 1 + x, K = ((1 + x)e^3 + (4x + 3)e^2 + (8x + 4)e + 4x + 2)/delta^2 (from
           f' = e (1 - c) + x (1 - T^2) sigma, T = tanh(softplus x), c as in the forward), whose e K is small beside z
           in the tail and at most about two thirds of z - e K away from the zero; within 0.3 of the zero, where every
           float form cancels, f' = d P(d), d = x - x0 (x - X0_HI exact), P of degree 7 fitted here (least squares
           weighted by 1/P on 400 Chebyshev nodes, rounded to float one coefficient at a time with the rest refitted);
           x >= 0 as in split. This is the form the C# kernel was built with and measured (docs/performance-history.md).
Run: /usr/bin/python3 tools/poly/mish_backward_float_model.py [plain|split|kform]
"""
import sys

import mpmath as mp
import numpy as np

f32, f64 = np.float32, np.float64
X0 = -1.1924312145154952
LN2_HI, LN2_LO = f32(0.693145751953125), f32(1.428606765330187045e-06)
# Expm1ReducedShortF's s(r), highest degree first (VMath.Float.cs, S4 .. S0).
S = [0.001381461275741458, 0.008368710055947304, 0.04166838899254799, 0.1666652113199234, 0.4999999403953552]


def fma(a, b, c):
    return (np.asarray(a, f64) * np.asarray(b, f64) + np.asarray(c, f64)).astype(f32)


def rnd(v):
    return np.asarray(v, f64).astype(f32)


def exp_parts(a):
    """e^a = 2^k (1 + m) for a <= 0, as VMath.Expm1ScaledPartsShortF."""
    k = np.rint(a * f32(1.44269504088896338700)).astype(f32)
    r = fma(k, -LN2_HI, a)
    r = fma(k, -LN2_LO, r)
    p = np.full_like(r, f32(S[0]))
    for c in S[1:]:
        p = fma(p, r, f32(c))
    return rnd(r * fma(r, p, f32(1))), k.astype(int)


def reference(x):
    x = x.astype(f64)
    e, u = np.exp(x), np.exp(-x)
    w = x + 1
    omega = ((2 * e) + (4 * w)) + ((4 * e * (e + w)) + (e * e * e))
    negative = e * omega / (e * e + 2 * e + 2) ** 2
    positive = (1 + 4 * u + (4 * x + 6) * u * u + 4 * w * u ** 3) / (1 + 2 * u + 2 * u * u) ** 2
    return np.where(x < 0, negative, np.where(x > 40, 1.0, positive))


def ulp_errors(x, got):
    want = reference(x)
    exponent = np.frexp(np.abs(want).astype(f32))[1].astype(int)
    ulp = np.ldexp(1.0, np.maximum(exponent - 24, -149))
    relative = np.abs(got.astype(f64) - want) / ulp
    absolute = np.abs(got.astype(f64) - want) / 2.0 ** -24
    near = np.abs(x.astype(f64) - X0) < 0.05
    return np.where(near & (relative > 4), absolute, relative)


def candidate(x, form):
    negative = x < 0
    a = np.maximum(-np.abs(x), f32(-112))
    m, k = exp_parts(a)
    u = rnd(np.ldexp((f32(1) + m).astype(f64), k))
    xc = np.where(negative, a, np.minimum(x, f32(40)))
    one = np.ones_like(x)
    four = f32(4) * one
    c46, w4 = fma(xc, four, f32(6)), fma(xc, four, four)
    # delta^2 = u^4 + 4u^3 + 8u^2 + 8u + 4 (x < 0) and D^2 = 4u^4 + 8u^3 + 8u^2 + 4u + 1 (x >= 0).
    c = [np.where(negative, one, four), np.where(negative, four, 8 * one), 8 * one,
         np.where(negative, 8 * one, four), np.where(negative, four, one)]
    square = c[0]
    for coefficient in c[1:]:
        square = fma(square, u, coefficient)
    if form == "plain":
        # omega (x < 0) or N (x >= 0) = h*u + last, h by Horner, with u = 2^k (1 + m) unrounded in the last step.
        h = fma(fma(np.where(negative, one, w4), u, np.where(negative, four, c46)), u, np.where(negative, c46, four))
        hk = rnd(np.ldexp(h.astype(f64), k))
        numerator = fma(hk, m, rnd(hk + np.where(negative, w4, one)))
        q = rnd(numerator / square)
        return rnd(np.ldexp(np.where(negative, fma(m, q, q), q).astype(f64), np.where(negative, k, 0)))
    omega = rnd(fma(u, c46, w4) + rnd(u * fma(u, u, rnd(f32(4) * u))))
    q = rnd(omega / square)
    below = rnd(np.ldexp(fma(m, q, q).astype(f64), k))
    s = rnd(one + u)
    above = fma(-rnd(rnd(u + u) * u), rnd(fma(rnd(s + s), rnd(u - xc), one) / square), one)
    return np.where(negative, below, above)


def band_fit(width=0.3, degree=7):
    """x0 as two floats and P(d) ~ f'(x0 + d)/d on |d| <= width, float coefficients from d^0 up."""
    mp.mp.dps = 40

    def slope(x):
        e = mp.exp(x)
        return e * (e ** 3 + 4 * e ** 2 + e * (4 * x + 6) + 4 * (x + 1)) / (e * e + 2 * e + 2) ** 2

    x0 = mp.findroot(slope, mp.mpf(X0))
    x0_hi = float(f32(float(x0)))
    x0_lo = float(f32(float(x0 - x0_hi)))
    count = 400
    nodes = [mp.mpf(width) * mp.cos(mp.pi * (2 * i + 1) / (2 * count)) for i in range(count)]
    values = [slope(x0 + d) / d for d in nodes]
    fixed = []
    for j in range(degree + 1):
        rest = [v - sum(c * d ** k for k, c in enumerate(fixed)) for d, v in zip(nodes, values)]
        a = np.array([[float(d ** k / v) for k in range(j, degree + 1)] for d, v in zip(nodes, values)])
        b = np.array([float(r / v) for r, v in zip(rest, values)])
        fixed.append(mp.mpf(float(f32(np.linalg.lstsq(a, b, rcond=None)[0][0]))))
    return f32(x0_hi), f32(x0_lo), [f32(float(c)) for c in fixed]


def kform(x, band):
    x0_hi, x0_lo, coefficients = band
    negative = x < 0
    a = np.maximum(-np.abs(x), f32(-87))
    m, k = exp_parts(a)
    t = np.ldexp(1.0, k).astype(f32)
    e = fma(t, m, t)
    # x < 0
    z = rnd(x + f32(1))
    c2 = fma(x, f32(4), f32(2))
    nk = fma(fma(fma(z, e, rnd(c2 + f32(1))), e, rnd(c2 + c2)), e, c2)
    delta2 = fma(fma(fma(fma(f32(1), e, f32(4)), e, f32(8)), e, f32(8)), e, f32(4))
    inner = fma(-e, rnd(nk / delta2), z)
    below = rnd(np.ldexp(fma(m, inner, inner).astype(f64), k))
    # x >= 0 (u = e)
    s = rnd(e + f32(1))
    nh = rnd(rnd(e + e) * fma(rnd(s + s), rnd(e - x), f32(1)))
    d2 = fma(fma(fma(fma(f32(4), e, f32(8)), e, f32(8)), e, f32(4)), e, f32(1))
    above = fma(-e, rnd(nh / d2), f32(1))
    # next to the zero
    dh = rnd(x - x0_hi)
    d = rnd(dh - x0_lo)
    p = np.full_like(d, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        p = fma(p, d, c)
    y = np.where(negative, below, above)
    return np.where(np.abs(dh) < f32(0.3), rnd(d * p), y)


def main():
    form = sys.argv[1] if len(sys.argv) > 1 else "split"
    ranges = [(-87, -20), (-20, -3), (-3, -1.5), (-1.5, X0 - 0.05), (X0 + 0.05, -0.8), (-0.8, -0.3), (-0.3, -0.05),
              (-0.05, 0), (0, 0.5), (0.5, 2), (2, 10), (10, 41)]
    band = band_fit() if form == "kform" else None
    if band:
        print(f"x0 = {band[0]!r} + {band[1]!r}; P from d^0 up: {', '.join(repr(float(c)) for c in band[2])}")
    print(f"form: {form} (2,000,001 floats per range, evenly spaced)")
    for lo, hi in ranges:
        x = np.linspace(lo, hi, 2_000_001).astype(f32)
        with np.errstate(all="ignore"):
            e = ulp_errors(x, kform(x, band) if form == "kform" else candidate(x, form))
        j = int(np.argmax(e))
        print(f"  [{lo:.4g}, {hi:.4g}]: max {e[j]:.2f} ULP at x = {x[j]!r}, 99.9th percentile {np.quantile(e, 0.999):.2f}")


if __name__ == "__main__":
    main()
