#!/usr/bin/python3
"""Writes tests/ActivationKit.Tests/RowGolden/softmax_gradients_float.txt: the float gradients of softmax, softmin and
log_softmax from the input x, for fixed float rows, exact values from mpmath rounded to double (a float result is
measured against them in float ULPs; the double's own rounding is 2^-29 of one).

The rows are the ones where a float gradient from the input lost its relative accuracy at the dominant entry
(an exploratory tester, 2026-12-02: softmax [30, 0], dy [1, 0] gave dx[0] = 9.348078e-14 against 9.357623e-14,
[40, 0] gave 0 against 4.248354e-18; bfloat16 [53.5, 0.0334], dy [2.156, 1.422] gave 0 against 4.42e-24):
one entry 10 to 100 above the rest (the maximum for softmax and log_softmax, the same rows negated for softmin), in
rows of 2 to 1,000 and at the start, the middle or the end, with dy random, one-hot at the dominant entry (the confident class of a
cross-entropy) and near it; ties at the maximum; every dy equal (softmax and softmin exactly 0); random Normal(0, σ)
rows of 1 to 16, 100 and 1,000 entries; maxima near the float path's limits (300, −150) and beyond them.

Every value is computed at 800 bits from the floats x and dy exactly (the rows' largest cancellation, e^-100 against
1, needs about 150). A result that is exactly 0 in real arithmetic is written 'z': softmax and softmin when every dy
of the row is equal; log_softmax where dy_i = Σdy/n on a row of equal entries, or dy_i = 0 with Σdy = 0. Every
other value is the double nearest the exact value (repr).

File format: '#' comment lines, then per row: 'row <label>', 'x …', 'dy …' (floats, as the repr of the double equal
to them), then 'softmax …', 'softmin …' and 'log_softmax …' (one token per entry), then 'y …', the float log_softmax
of x (each entry the float nearest the exact value, as a user would have it from a forward), and
'log_softmax_from_output …', the exact gradient from that output, dy - e^y * sum(dy) with the float y (added
2026-12-02: the backward from the output lost the dominant entry's 1 - e^y below 2^-53 as the one from the input had).

Run: /usr/bin/python3 tools/golden/softmax_gradient_float_golden.py  (Debian python3-mpmath; deterministic)
"""
import os
import random
import struct
import sys
from fractions import Fraction

import mpmath as mp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_golden import to_double_double  # noqa: E402  (the same correctly rounded doubles)

mp.mp.prec = 800
OUT = "tests/ActivationKit.Tests/RowGolden/softmax_gradients_float.txt"
rng = random.Random(20261203)


def f32(v):
    """v rounded to the nearest float (as a Python float, exactly that float)."""
    return struct.unpack("<f", struct.pack("<f", v))[0]


def exps(x, sign):
    v = [sign * mp.mpf(t) for t in x]
    m = max(v)
    return [mp.exp(t - m) for t in v]


def token(v):
    return repr(to_double_double(v)[0])


def softmax_gradient(x, dy, sign):
    if all(d == dy[0] for d in dy):
        return ["z"] * len(x)
    e = exps(x, sign)
    s = mp.fsum(e)
    w = mp.fsum(a * mp.mpf(b) for a, b in zip(e, dy))
    return [token(sign * e[i] * (mp.mpf(dy[i]) * s - w) / (s * s)) for i in range(len(x))]


def mpf_of(q):
    return mp.mpf(q.numerator) / q.denominator


def log_softmax_gradient(x, dy):
    total = sum(Fraction(d) for d in dy)
    if all(t == x[0] for t in x):
        return ["z" if Fraction(d) == total / len(x) else token(mpf_of(Fraction(d) - total / len(x))) for d in dy]
    e = exps(x, 1)
    s = mp.fsum(e)
    t = mpf_of(total)
    return ["z" if total == 0 and dy[i] == 0 else token(mp.mpf(dy[i]) - e[i] * t / s) for i in range(len(x))]


def float_log_softmax(x):
    """The float log_softmax of x as a user would have it from a forward: each entry the float nearest the exact value."""
    v = [mp.mpf(t) for t in x]
    m = max(v)
    ln_s = mp.log(mp.fsum(mp.exp(t - m) for t in v))
    return [f32(float(t - m - ln_s)) for t in v]


def log_softmax_gradient_from_output(y, dy):
    """dy - e^y * sum(dy) from the float output y exactly ('z' where exactly 0: y = 0 with dy = sum(dy), or dy = 0 with sum 0)."""
    total = sum(Fraction(d) for d in dy)
    t = mpf_of(total)
    out = []
    for yi, d in zip(y, dy):
        if yi == 0:
            q = Fraction(d) - total
            out.append("z" if q == 0 else token(mpf_of(q)))
        elif total == 0 and d == 0:
            out.append("z")
        else:
            out.append(token(mp.mpf(d) - mp.exp(mp.mpf(yi)) * t))
    return out


rows = []


def add(label, x, dy):
    rows.append((label, [f32(v) for v in x], [f32(v) for v in dy]))


# The tester's rows.
add("tester [30, 0], dy [1, 0]", [30.0, 0.0], [1.0, 0.0])
add("tester [40, 0], dy [1, 0]", [40.0, 0.0], [1.0, 0.0])
add("tester bf16 [53.5, 0.0334], dy [2.156, 1.422]", [53.5, 0.033447265625], [2.15625, 1.421875])
# One entry g above the rest, g from 10 to 100, rows of 2 to 1,000, the entry at the start, the middle or the end;
# dy random, one-hot at it (negative: a cross-entropy's confident class) and a dy near it elsewhere. The same rows
# negated make the entry softmin's dominant one.
gaps = [10.0, 15.5, 20.0, 30.0, 40.0, 53.5, 60.0, 75.25, 87.0, 100.0]
for k, g in enumerate(gaps):
    for n in (2, 3, 5, 10, 16, 17, 100, 1000):
        if n == 1000 and k % 3 != 0:
            continue
        at = [0, n // 2, n - 1][(k + n) % 3]
        x = [rng.gauss(0, 1) for _ in range(n)]
        x[at] = g + rng.uniform(-0.5, 0.5)
        kinds = ["random", "one-hot", "near"] if n < 100 else [["random", "one-hot", "near"][k % 3]]
        for kind in kinds:
            if kind == "random":
                dy = [rng.uniform(-3, 3) for _ in range(n)]
            elif kind == "one-hot":
                dy = [0.0] * n
                dy[at] = -1.0
            else:
                dy = [rng.uniform(-1, 1) for _ in range(n)]
                for j in range(n):
                    if j != at and rng.random() < 0.5:
                        dy[j] = dy[at] * (1 + rng.choice([-1, 1]) * 2.0 ** -rng.randint(1, 22))
            add(f"gap {g:g}, n = {n}, at {at}, dy {kind}", x, dy)
            add(f"gap {g:g}, n = {n}, at {at}, dy {kind}, negated", [-v for v in x], dy)
# Ties at the maximum: two or three entries at it, dominant or not, dy different at them.
for n, g, ties in [(2, 0.0, 2), (3, 40.0, 2), (5, 25.0, 3), (10, 60.0, 2), (16, 12.0, 4), (100, 35.0, 3), (300, 45.0, 2)]:
    x = [rng.gauss(0, 1) for _ in range(n)]
    where = rng.sample(range(n), ties)
    for j in where:
        x[j] = g if g else x[where[0]]
    dy = [rng.uniform(-2, 2) for _ in range(n)]
    add(f"{ties} ties at the maximum {g:g}, n = {n}", x, dy)
    add(f"{ties} ties at the maximum {g:g}, n = {n}, negated", [-v for v in x], dy)
    dy2 = [0.0] * n
    dy2[where[-1]] = -1.0
    add(f"{ties} ties at the maximum {g:g}, n = {n}, one-hot at the last of them", x, dy2)
# Every dy equal: softmax and softmin exactly 0.
for n, d in [(1, 1.0), (2, 0.5), (7, -0.3), (16, 1.0), (33, 2.5), (100, -1.0), (300, 0.125)]:
    x = [rng.gauss(0, 5) for _ in range(n)]
    if n > 1:
        x[rng.randrange(n)] = 50.0
    add(f"dy all {d:g}, n = {n}", x, [d] * n)
# Random rows: Normal(0, σ), every length from 1 to 16, then 100 and 1,000.
for n in list(range(1, 17)) + [100, 1000]:
    for sigma in (1.0, 4.0, 20.0) if n < 1000 else (4.0,):
        x = [rng.gauss(0, sigma) for _ in range(n)]
        dy = [rng.uniform(-1, 1) for _ in range(n)]
        add(f"N(0, {sigma:g}), n = {n}", x, dy)
# Maxima near the float path's limits and beyond (rows beyond take the double path, rounded).
for mu in (299.0, -149.0, 350.0, -400.0):
    for n in (2, 10, 100):
        x = [mu + rng.gauss(0, 3) for _ in range(n)]
        x[0] = mu + 30.0
        add(f"near {mu:g}, one entry 30 above, n = {n}", x, [rng.uniform(-1, 1) for _ in range(n)])

# The other entries' dy cancelling each other (added 2026-12-02, branch fix-d): log_softmax's R = sum(dy - c*e) is then
# sum_(j != k)(dy_j) - c*sum_(j != k)(e_j) with the first part exactly 0, and the float path, which rounded each term
# dy_j - c*e_j before summing, gave dx_k = 0 at the dominant entry k (a reviewer's row: 0 for 1.51e-17; with dy
# scaled by 3e38, 0 for 4.54e21). Rows of 3 to 1,000 with one entry 20 to 87 above the rest, the others' dy in pairs
# of opposite sign (or summing to 0 in float exactly), at ordinary scales and near float's largest. A separate
# generator, so the rows above keep their values.
rng_cancel = random.Random(20261204)
add("reviewer [-1.2388847, 40, 1.1854873], dy [-1, 1, 1]", [-1.2388847, 40.0, 1.1854873], [-1.0, 1.0, 1.0])
add("reviewer [-1.2388847, 40, 1.1854873], dy [-3e38, 3e38, 3e38]", [-1.2388847, 40.0, 1.1854873], [-3e38, 3e38, 3e38])
for k, g in enumerate([20.0, 30.0, 40.0, 60.0, 87.0]):
    for n in (3, 5, 9, 16, 17, 100, 1000):
        if n == 1000 and k % 2:
            continue
        at = [0, n // 2, n - 1][(k + n) % 3]
        x = [rng_cancel.gauss(0, 1) for _ in range(n)]
        x[at] = g + rng_cancel.uniform(-0.5, 0.5)
        others = [j for j in range(n) if j != at]
        for scale in (1.0, 1e38):
            dy = [0.0] * n
            for a, b in zip(others[0::2], others[1::2]):
                d = f32(rng_cancel.uniform(0.25, 3) * scale)
                dy[a], dy[b] = d, -d
            if len(others) % 2:
                dy[others[-1]] = 0.0
            dy[at] = f32(rng_cancel.uniform(-3, 3) * scale)
            add(f"cancelling dy, gap {g:g}, n = {n}, at {at}, scale {scale:g}", x, dy)
            add(f"cancelling dy, gap {g:g}, n = {n}, at {at}, scale {scale:g}, negated", [-v for v in x], dy)

out = ["# Generated by tools/golden/softmax_gradient_float_golden.py (mpmath, 800 bits); do not edit.",
       "# Per row: 'row label', 'x', 'dy' (floats), then the exact gradients from x rounded to double ('z' = exactly 0):",
       "# softmax, softmin, log_softmax; then 'y', the float log_softmax of x (each entry the nearest float), and",
       "# log_softmax_from_output, the exact dy - e^y * sum(dy) from that float y rounded to double."]
for label, x, dy in rows:
    out.append(f"row {label}")
    out.append("x " + " ".join(repr(v) for v in x))
    out.append("dy " + " ".join(repr(v) for v in dy))
    out.append("softmax " + " ".join(softmax_gradient(x, dy, 1)))
    out.append("softmin " + " ".join(softmax_gradient(x, dy, -1)))
    out.append("log_softmax " + " ".join(log_softmax_gradient(x, dy)))
    y = float_log_softmax(x)
    out.append("y " + " ".join(repr(v) for v in y))
    out.append("log_softmax_from_output " + " ".join(log_softmax_gradient_from_output(y, dy)))
os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write("\n".join(out) + "\n")
print(f"{len(rows)} rows, {sum(len(r[1]) for r in rows)} entries -> {OUT}")
