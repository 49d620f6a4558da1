#!/usr/bin/python3
"""Large mpmath sweeps of one element-wise function over a region, for accuracy work beyond the golden tables.

Usage: /usr/bin/python3 tools/golden/sweep.py NAME REGION COUNT OUT.csv [X ...]
  NAME    a function of tools/golden/gen_golden.py (its mpmath definitions at the default parameters)
  REGION  where to sample (see REGIONS below): e.g. "huge" (|x| >= 2^40, with the doubles nearest to multiples of
          pi/4), "tail" (the negative tail [-60, -5]), "wide" (random doubles of every binade plus [-50, 50])
  COUNT   number of sampled inputs (the X arguments, given as round-trip decimals, are added to them)
Writes one line per input: x,f_hi,f_lo,df_hi,df_lo as hex bit patterns (the golden table format of docs/golden.md,
without the header), values from gen_golden.evaluate (two working precisions must agree). Check the kernels with
  dotnet run tools/golden/CheckSweep.cs -- NAME OUT.csv
Deterministic: the generator is seeded with NAME, REGION and COUNT.
"""
import math
import os
import random
import struct
import sys

import mpmath

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_golden as g  # noqa: E402


def nearest_double(v):
    with mpmath.workprec(1400):
        return g.round_to_double(v)


def huge(rng, n):
    """|x| from 2^40 to the double maximum: random doubles (every binade alike) and, for a quarter each, the doubles
    nearest to k*pi/4 (zeros of sin, cos and snake', where the reduction loses the most bits)."""
    xs = []
    for i in range(n):
        e = rng.randint(40, 1023)
        kind = i % 2
        if kind == 0:
            x = math.ldexp(1 + rng.random(), e)
        else:
            with mpmath.workprec(e + 200):
                k = rng.randint(2 ** (e + 1), 2 ** (e + 2))
                x = nearest_double(k * mpmath.pi / 4)
        if not math.isfinite(x):
            continue
        xs.append(x if rng.random() < 0.5 else -x)
    return xs


def tail(rng, n):
    """[-60, -5]: uniform doubles, half of them rounded to floats."""
    xs = []
    for i in range(n):
        x = rng.uniform(-60.0, -5.0)
        if i % 2:
            x = struct.unpack("<f", struct.pack("<f", x))[0]
        xs.append(x)
    return xs


def wide(rng, n):
    """Half uniform on [-50, 50], a quarter uniform on [-5, 5], a quarter random doubles of |x| in [2^-60, 2^10]."""
    xs = []
    for i in range(n):
        k = i % 4
        if k < 2:
            xs.append(rng.uniform(-50.0, 50.0))
        elif k == 2:
            xs.append(rng.uniform(-5.0, 5.0))
        else:
            xs.append(math.copysign(math.ldexp(1 + rng.random(), rng.randint(-60, 10)), rng.random() - 0.5))
    return xs


REGIONS = {"huge": huge, "tail": tail, "wide": wide}


def main(argv):
    if len(argv) < 4 or argv[1] not in REGIONS:
        print(__doc__, file=sys.stderr)
        return 2
    name, region, count, out = argv[0], argv[1], int(argv[2]), argv[3]
    fns = {f.name: f for f in g.functions()}
    if name not in fns:
        print("unknown function %s" % name, file=sys.stderr)
        return 2
    fn = fns[name]
    rng = random.Random("%s/%s/%d" % (name, region, count))
    xs = [float(a) for a in argv[4:]] + REGIONS[region](rng, count)
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        for x in xs:
            f.write(",".join(g.hex_bits(v) for v in g.row(fn, x)) + "\n")
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
