"""Weighted polynomial Remez exchange (mpmath), shared by the float fit scripts in this folder.

remez(f, w, deg, xs) returns the coefficients c_0..c_deg (lowest first) of the polynomial c that minimises
max |c(x) - f(x)| * w(x) over the grid xs (a list of mpf, in increasing order), and that maximum (ref: the starting reference of deg + 2 points, where the default Chebyshev one would put a point
on a zero of the weight). The weight turns
the error of the fitted factor into the error it causes in the kernel's result (for example r^2/e^r for the tail
q of e^r = 1 + r + r^2 q(r)), so the exchange equalises the error the kernel actually sees.
"""
import mpmath as mp


def remez(f, w, deg, xs, iters=40, ref=None):
    fs = [f(x) for x in xs]
    ws = [w(x) for x in xs]
    n = deg + 1
    lo, hi = xs[0], xs[-1]
    if ref is None:
        ref = [(lo + hi) / 2 - (hi - lo) / 2 * mp.cos(mp.pi * (i + mp.mpf(1) / 2) / (n + 1)) for i in range(n + 1)]
    coeffs, err = None, None
    for _ in range(iters):
        a = mp.matrix(n + 1, n + 1)
        b = mp.matrix(n + 1, 1)
        for i, x in enumerate(ref):
            for j in range(n):
                a[i, j] = x ** j
            a[i, n] = (-1) ** i / w(x)
            b[i] = f(x)
        sol = mp.lu_solve(a, b)
        coeffs = [sol[j] for j in range(n)]
        err = [(mp.polyval(coeffs[::-1], x) - fx) * wx for x, fx, wx in zip(xs, fs, ws)]
        # New reference: the extremum of each run of equal sign, keeping n + 1 alternating ones.
        runs = []
        start = 0
        for i in range(1, len(xs) + 1):
            if i == len(xs) or mp.sign(err[i]) != mp.sign(err[start]):
                runs.append(max(range(start, i), key=lambda m: abs(err[m])))
                start = i
        while len(runs) > n + 1:
            if abs(err[runs[0]]) < abs(err[runs[-1]]):
                runs.pop(0)
            else:
                runs.pop()
        new = [xs[m] for m in runs]
        if len(new) < n + 1 or new == ref:
            break
        ref = new
    return coeffs, max(abs(e) for e in err)
