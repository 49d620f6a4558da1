#!/usr/bin/python3
"""The table exponential of sigmoid's and silu's float forward (VMath.OnePlusExpOfNegatedTableF): e^-x = 2^(N/16) * e^-u.

N = round(-16 x / ln 2), u = x + N ln2/16 (Cody-Waite, |u| <= ln2/32 plus the slack of N's rounding with a float
16/ln 2), 2^(N/16) from a 16-entry table (src/ActivationKit/Simd/Exp2Table.cs, each entry rounded to float: this
script prints their bits) scaled by 2^floor(N/16), and e^-u - 1 = u^2 * p(u) - u with p of degree 1. p is fitted by a
weighted Remez exchange (weighted_remez.py) for the relative error of e^-u itself, weight u^2 / e^-u, and its
coefficients are rounded to float. Prints the table, the coefficients and the worst relative error before rounding.

Run: /usr/bin/python3 tools/poly/fit_exp_sixteenths.py
"""
import struct

import mpmath as mp

from weighted_remez import remez

mp.mp.dps = 50


def to_float(v):
    return struct.unpack('<f', struct.pack('<f', float(v)))[0]


def float_bits(v):
    return struct.unpack('<I', struct.pack('<f', v))[0]


def nearest_float(v):
    """v rounded to the nearest float (double rounding through float64 checked against both neighbours)."""
    f = to_float(v)
    bits = float_bits(f)
    cands = [struct.unpack('<f', struct.pack('<I', b))[0] for b in (bits - 1, bits, bits + 1)]
    return min(cands, key=lambda c: abs(mp.mpf(c) - v))


print('table 2^(j/16), float bits and relative error in units of 2^-24:')
for j in range(16):
    v = mp.mpf(2) ** (mp.mpf(j) / 16)
    f = nearest_float(v)
    print(f'  {j:2d} 0x{float_bits(f):08X} {float((mp.mpf(f) - v) / v * 2 ** 24):+.3f}')

a = mp.log(2) / 32 * (1 + mp.mpf(2) ** -12)
xs = [a * (2 * mp.mpf(i) / 2000 - 1) for i in range(2001) if i != 1000]


def p_target(u):
    return (mp.exp(-u) - 1 + u) / u ** 2


def weight(u):
    return u ** 2 / mp.exp(-u)


# The default start would put a reference point at u = 0, where the weight vanishes.
coeffs, err = remez(p_target, weight, 1, xs, ref=[-a, a / 3, a])
rounded = [nearest_float(c) for c in coeffs]
worst = max(abs((1 - u + u ** 2 * (mp.mpf(rounded[0]) + mp.mpf(rounded[1]) * u)) / mp.exp(-u) - 1) for u in xs)
print('p(u) = c0 + c1 u:', ', '.join(repr(c) for c in rounded))
print(f'worst relative error of e^-u: {float(err):.3e} fitted, {float(worst):.3e} with float coefficients '
      f'({float(worst * 2 ** 24):.3f} units of 2^-24)')
