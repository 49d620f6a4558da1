#!/usr/bin/python3
"""Prints the mpmath literals pasted into tests/ActivationKit.Tests/GeluFamilyTests.cs.

Usage: /usr/bin/python3 tools/gelu_family_test_values.py
Each value is printed as a pair of doubles hi, lo (hi + lo carries ~106 bits) computed at 60 digits.
"""
import struct

import mpmath as mp

mp.mp.dps = 60
C = mp.sqrt(2 / mp.pi)
K = mp.mpf('0.044715')


def dd(v):
    hi = float(v)
    lo = float(v - hi) if mp.isfinite(v) and hi != 0 else 0.0
    return f"{hi!r}, {lo!r}"


def table(name, xs, fn):
    print(f"    // {name}")
    for x in xs:
        print(f"    [{float(x)!r}, {dd(fn(mp.mpf(float(x))))}],")


def gelu_tanh(x):
    return x / (1 + mp.exp(-2 * C * (x + K * x ** 3)))


def gelu_tanh_d(x):
    s = 2 * C * (x + K * x ** 3)
    sp = 2 * C * (1 + 3 * K * x ** 2)
    sig = 1 / (1 + mp.exp(-s))
    return sig + x * sp * sig * (1 - sig)


phi_x = [-38, -37.5, -35, -30, -25, -20, -15, -12.5, -10, -8, -6, -5.5, -4, -3, -2, -1.5, -1, -0.7, -0.66, -0.5,
         -0.25, -1e-3, 0.1, 0.5, 0.66, 0.7, 1, 2, 3, 5, 5.7, 6, 7, 8]
table('NormalCdf', phi_x, mp.ncdf)
table('Erfc', [-5, -1, -0.4, 1e-5, 0.3, 0.46875, 0.5, 1, 2, 4, 6, 10, 20, 26, 26.5, 27.2], mp.erfc)
table('Gelu', [-38, -30, -14, -10, -5, -0.7517915246935645, -0.5, 0.5, 1, 3, 8], lambda x: x * mp.ncdf(x))
table('GeluDerivative', [-38, -30, -10, -3, -1.5, -0.3, 0.3, 1.5, 5], lambda x: mp.ncdf(x) + x * mp.npdf(x))
table('GeluTanh', [-25, -20, -10.5, -10, -8, -5, -2, -0.5, 0.5, 2, 5], gelu_tanh)
table('GeluTanhDerivative', [-25, -20, -10, -5, -2, -0.3, 0.3, 2, 5], gelu_tanh_d)
F3E38 = struct.unpack('f', struct.pack('f', 3e38))[0]  # the float nearest 3e38
big = [1e10, -1e10, 3e38, F3E38, 3.4028234663852886e38, 1e22, 1e300, 268435455.5, 268435457.0, 1099511627775.0, 1099511627777.0]
near = [float(k * mp.pi / 2) for k in (1, 3, 1000001, 2 ** 27 + 1, 2 ** 39 + 1)]
table('Sin', big + near + [1e-300, 0.5, 3.0], mp.sin)
table('Cos', big + near + [0.5, 3.0], mp.cos)
table('Snake', big + near + [-0.8, -3.0, 2.0], lambda x: x + mp.sin(x) ** 2)
snake_zero = [float(-mp.pi / 4 + k * mp.pi) for k in (0, 1, -7, 12345, -200000)]
table('SnakeDerivative', [1e10, -0.8, 2.0] + snake_zero, lambda x: 1 + mp.sin(2 * x))
table('Snake alpha=0.3', [-2.5, 7.0, 1e6], lambda x: x + mp.sin(mp.mpf(0.3) * x) ** 2 / mp.mpf(0.3))
table("Snake' alpha=0.3", [-2.5, 7.0, float(-mp.pi / 4 / mp.mpf(0.3))], lambda x: 1 + mp.sin(2 * mp.mpf(0.3) * x))
