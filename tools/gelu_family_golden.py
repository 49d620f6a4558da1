#!/usr/bin/python3
"""Golden values for the GELU family and the trig kernels, computed with mpmath at 50 digits.

Usage: /usr/bin/python3 tools/gelu_family_golden.py OUT.csv [count]
Writes lines "function,x,hi,lo" (round-trip doubles; hi + lo is the value to about 106 bits) over sweeps that
reach every region: the Gaussian tails down to the subnormals, the tanh-GELU tail, and trig arguments from
tiny to 1e300 including doubles nearest to multiples of pi/2 (the hardest cases for argument reduction).
tools/CheckGeluFamily.cs reads the file and reports the ULP error of the kernels and references.
"""
import random
import sys

import mpmath as mp

mp.mp.dps = 50
C = mp.sqrt(2 / mp.pi)
K = mp.mpf('0.044715')


def gelu_tanh(x):
    return x / (1 + mp.exp(-2 * C * (x + K * x ** 3)))


def gelu_tanh_d(x):
    s = 2 * C * (x + K * x ** 3)
    sp = 2 * C * (1 + 3 * K * x ** 2)
    sig = 1 / (1 + mp.exp(-s))
    return sig + x * sp * sig * (1 - sig)


FUNCS = {
    'ncdf': lambda x: mp.ncdf(x),
    'erfc': lambda x: mp.erfc(x),
    'gelu': lambda x: x * mp.ncdf(x),
    'gelu_d': lambda x: mp.ncdf(x) + x * mp.npdf(x),
    'gelu_tanh': gelu_tanh,
    'gelu_tanh_d': gelu_tanh_d,
    'sin': lambda x: mp.sin(x),
    'cos': lambda x: mp.cos(x),
    'snake': lambda x: x + mp.sin(x) ** 2,
    'snake_d': lambda x: 1 + mp.sin(2 * x),
}


def sweep(rng, n):
    pts = {}
    g = []
    g += [rng.uniform(-39, 9) for _ in range(n)]
    g += [rng.uniform(-1, 1) for _ in range(n // 4)]
    pts['ncdf'] = pts['gelu'] = pts['gelu_d'] = g
    pts['erfc'] = [rng.uniform(-6, 27.5) for _ in range(n)] + [rng.uniform(-0.6, 0.6) for _ in range(n // 4)]
    pts['gelu_tanh'] = pts['gelu_tanh_d'] = [rng.uniform(-25, 8) for _ in range(n)] + [rng.uniform(-1, 1) for _ in range(n // 4)]
    t = [rng.uniform(-10, 10) for _ in range(n)]
    t += [rng.choice([-1, 1]) * 10 ** rng.uniform(-8, 9) for _ in range(n)]
    t += [rng.choice([-1, 1]) * 10 ** rng.uniform(9, 300) for _ in range(n // 4)]
    # Doubles nearest to k*pi/2: the reduced argument is tiny, so any loss in the reduction shows.
    for _ in range(n // 2):
        k = rng.randint(1, 2 ** rng.randint(1, 41))
        t.append(float(k * mp.pi / 2) * rng.choice([-1, 1]))
    pts['sin'] = pts['cos'] = t
    s = [rng.uniform(-4, 4) for _ in range(n)] + t[n:]
    # Doubles nearest to the zeros of snake', -pi/4 + k*pi.
    for _ in range(n // 2):
        k = rng.randint(-2 ** 20, 2 ** 20)
        s.append(float(-mp.pi / 4 + k * mp.pi))
    pts['snake'] = pts['snake_d'] = s
    return pts


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = random.Random(20240607)
    pts = sweep(rng, n)
    with open(out, 'w') as f:
        for name, xs in pts.items():
            fn = FUNCS[name]
            for x in xs:
                v = fn(mp.mpf(x))
                hi = float(v)
                lo = float(v - hi) if mp.isfinite(v) else 0.0
                f.write(f"{name},{x!r},{hi!r},{lo!r}\n")


if __name__ == '__main__':
    main()
