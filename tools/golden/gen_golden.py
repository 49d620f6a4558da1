#!/usr/bin/python3
"""Generate the double-precision golden tables of ActivationKit's element-wise activations.

For every element-wise activation (default parameters) this script evaluates f(x) and f'(x) with mpmath at a
high working precision, at about 2500 double inputs chosen to reach every region where a double kernel can go
wrong, and writes tests/ActivationKit.Tests/Golden/<name>.csv. The C# tests read these tables (no Python needed
there) and require the double kernels to be within 4 ULP of them.

Usage:
    /usr/bin/python3 tools/golden/gen_golden.py                  # all functions
    /usr/bin/python3 tools/golden/gen_golden.py sigmoid tanh     # some of them
    /usr/bin/python3 tools/golden/gen_golden.py --list           # the names it knows

Needs Debian's python3-mpmath (any 1.x). The output is deterministic: inputs come from a generator seeded by the
function's name, and each value is the exact result rounded once to a double-double.

Table format (see docs/golden.md): '#' comment lines describing the function, its parameters and conventions,
then a header line 'x,f_hi,f_lo,df_hi,df_lo', then one row per input sorted by x. Every field is the IEEE-754
binary64 bit pattern of a double in lowercase hexadecimal without leading zeros (so +0 is '0'). f(x) = f_hi + f_lo
where f_hi is the double nearest to the exact value and f_lo the double nearest to the remainder; likewise f'(x).

How the values are made exact: each value is computed at a working precision of at least 256 bits (raised for tiny
|x|, see working_precision) and again at a higher precision; the pair (hi, lo) is accepted only when both agree
bit for bit and the precision spans hi down to the last bits of lo (down to below 2^-1074 when lo is 0: a
remainder such as the 1 in tanhshrink(-1.7e308) = -1.7e308 + 1 is otherwise lost at both precisions alike);
otherwise the precision is raised (Ziv's strategy). The formulas below are written in forms without catastrophic
cancellation (log1p, expm1, erfc, e^-|x| forms) so that agreement is meaningful.

Definitions are the mathematical ones with PyTorch's conventions where PyTorch has the function:
  * at points where f' does not exist we store PyTorch's backward value (relu'(0) = 0, elu'(0) = alpha, ...);
    the '# conventions:' line of each table says which;
  * at +-inf we store the limit of f and f' where it exists (silu(-inf) = -0, softsign(inf) = 1) and NaN where
    it does not (sin(inf), cos(inf), snake'(inf)); NaN inputs give NaN;
  * parameters (negative_slope, alpha, beta, ...) are the double values the library receives, e.g. 0.01 is the
    double nearest 1/100; constants of a formula (sqrt(2/pi), 0.044715, 1.702, SELU's alpha and scale) are exact,
    as the formulas define them. In the far tails this matters: gelu_tanh near x = -22 amplifies a relative
    error d in sqrt(2/pi) into about 745*d in the result, so a double kernel needs double-double constants there.
  * the sign of a zero result at +-0 is the library's (the catalog's special values): -0 at -0 for the functions
    marked odd_zero, which behave like c*x there or are odd (tanh(-0) = -0, tanhshrink(-0) = -0, snake(-0) = -0,
    though x - tanh(x) and x + sin(x)^2 evaluated in IEEE arithmetic give +0), +0 for the others (relu(-0) = +0);
    an exact zero elsewhere is +0 (relu(-1), the flat sides of f'), and a value that underflows keeps its sign
    (silu(-inf) = -0). The tests require these signs wherever a result or a table value is +-0
    (GoldenDoubleTests.SignOfZeroDiffers), in double, float, Half and bfloat16.
"""

import math
import os
import random
import struct
import sys
import zlib

import mpmath
from mpmath import mpf

MP = mpmath.mp

# ---------------------------------------------------------------------------------------------------------------
# Doubles and double-doubles
# ---------------------------------------------------------------------------------------------------------------


def bits_of(x):
    """The IEEE-754 binary64 bit pattern of the Python float x, as an unsigned integer."""
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def double_of(b):
    """The Python float with bit pattern b."""
    return struct.unpack("<d", struct.pack("<Q", b))[0]


def next_up(x, steps=1):
    """The double `steps` representable numbers above x (below when steps is negative); x finite."""
    direction = math.inf if steps > 0 else -math.inf
    for _ in range(abs(steps)):
        x = math.nextafter(x, direction)
    return x


def float_neighbours(x):
    """The float32 nearest x and the floats on either side of it (as doubles)."""
    f = to_float32(x)
    if math.isinf(f):
        return []
    return [f, math.nextafter(f, math.inf) if f == 0 else float32_step(f, 1), float32_step(f, -1)]


def float32_step(f, s):
    """The float32 s steps from the float f (f nonzero), as a double."""
    b = struct.unpack("<I", struct.pack("<f", f))[0]
    b = b + s if f > 0 else b - s
    return struct.unpack("<f", struct.pack("<I", b & 0xFFFFFFFF))[0]


def to_float32(x):
    """x rounded to the nearest float32, returned as a double (inf beyond the float range)."""
    try:
        return struct.unpack("<f", struct.pack("<f", x))[0]
    except OverflowError:
        return math.copysign(math.inf, x)


def round_to_double(v):
    """The double nearest to the mpmath number v (ties to even), with IEEE overflow to inf and gradual underflow.

    mpmath's own float() rounds to 53 bits before scaling, which double-rounds subnormal results; this does the
    rounding once, on the exact binary representation."""
    if mpmath.isnan(v):
        return math.nan
    if mpmath.isinf(v):
        return math.inf if v > 0 else -math.inf
    if v == 0:
        return 0.0
    sign, man, exp, bc = v._mpf_  # |v| = man * 2^exp, man odd with bc bits
    top = exp + bc - 1  # floor(log2 |v|)
    if top > 1023:
        return -math.inf if sign else math.inf
    if top < -1080:  # below half the smallest subnormal: rounds to zero
        return -0.0 if sign else 0.0
    quantum = max(top - 52, -1074)  # the spacing of doubles at |v| (subnormal spacing below 2^-1022)
    if exp >= quantum:
        m = man << (exp - quantum)
    else:
        shift = quantum - exp
        m = man >> shift
        rem = man - (m << shift)
        half = 1 << (shift - 1)
        if rem > half or (rem == half and (m & 1)):
            m += 1
    try:
        r = math.ldexp(m, quantum)  # exact: m has at most 54 bits and is a multiple of 2 when it has 54
    except OverflowError:
        r = math.inf
    return -r if sign else r


def to_double_double(v):
    """(hi, lo): hi the double nearest v, lo the double nearest v - hi (0 when hi is infinite or NaN)."""
    hi = round_to_double(v)
    if math.isnan(hi) or math.isinf(hi):
        return hi, 0.0
    rest = mpmath.fsub(v, mpf(hi), exact=True)
    return hi, round_to_double(rest)


# ---------------------------------------------------------------------------------------------------------------
# Stable building blocks (mpmath at the current working precision)
# ---------------------------------------------------------------------------------------------------------------


# Beyond |z| = 2^20, e^z is replaced by 2^(+-2^20). Both are so far below (or above) every other term they meet --
# the working precision never exceeds 2^17 bits -- that no stored double changes, and results made of them alone
# round to 0 or inf either way; the substitution only spares mpmath computing the digits of e^(-1e308).
HUGE_EXPONENT = 2 ** 20


def exp(z):
    """e^z (see HUGE_EXPONENT)."""
    if z > HUGE_EXPONENT:
        return mpf(2) ** HUGE_EXPONENT
    if z < -HUGE_EXPONENT:
        return mpf(2) ** -HUGE_EXPONENT
    return mpmath.exp(z)


def expm1(z):
    """e^z - 1 without cancellation."""
    return exp(z) - 1 if abs(z) > HUGE_EXPONENT else mpmath.expm1(z)


def tanh(z):
    """tanh z = sign(z) (1 - 2/(e^(2|z|) + 1))."""
    return mpmath.sign(z) * (1 - 2 / (exp(2 * abs(z)) + 1)) if abs(z) > HUGE_EXPONENT else mpmath.tanh(z)


def sech(z):
    """1/cosh z."""
    return 2 / (exp(abs(z)) + exp(-abs(z))) if abs(z) > HUGE_EXPONENT else mpmath.sech(z)


def sigmoid(z):
    """1/(1 + e^-z): never cancels, in mpmath's unbounded exponent range."""
    return 1 / (1 + exp(-z))


def softplus(z):
    """log(1 + e^z) by log1p, exact in both tails."""
    return mpmath.log1p(exp(z)) if z <= 0 else z + mpmath.log1p(exp(-z))


def erfc(z):
    """erfc(z). mpmath 1.2's erfc fails beyond |z| of about 1e154 and is slow long before; from |z| = 1e20 on, the
    asymptotic series erfc(z) = e^(-z^2)/(z sqrt(pi)) * sum_n (-1)^n (2n-1)!!/(2z^2)^n is summed until its terms
    (which shrink by a factor of at least 1e40 each) fall below the working precision."""
    if abs(z) < mpf("1e20"):
        return mpmath.erfc(z)
    if z < 0:
        return 2 - erfc(-z)
    t = 1 / (2 * z * z)
    total, term, n = mpf(1), mpf(1), 0
    eps = mpf(2) ** -(MP.prec + 10)
    while abs(term) > eps:
        n += 1
        term *= -(2 * n - 1) * t
        total += term
    return exp(-z * z) / (z * mpmath.sqrt(mpmath.pi)) * total


def phi(z):
    """The standard normal density."""
    return exp(-z * z / 2) / mpmath.sqrt(2 * mpmath.pi)


def big_cdf(z):
    """The standard normal distribution function, by erfc so its left tail keeps full relative accuracy."""
    return erfc(-z / mpmath.sqrt(2)) / 2


# ---------------------------------------------------------------------------------------------------------------
# The functions
# ---------------------------------------------------------------------------------------------------------------


class Fn:
    """One activation at its default parameters.

    f, df: callables on a finite mpf x returning f(x), f'(x) (mpf or int).
    params: [(name, double)] the default parameters, in the library's order, written to the table header.
    kinks: points where f or f' jumps or has a corner (sampled densely on both sides).
    dzeros: zeros of f', as callables returning mpf (sampled densely; the tests measure the error absolutely
        next to the ones the catalog lists).
    fzeros: zeros of f away from 0 (sampled densely: relative accuracy is hardest there).
    tails: [(lo, hi)] extra intervals to sample (underflow/overflow tails, algorithm switch regions).
    odd_zero: f(-0) = -0 (f behaves like c*x at 0, or is odd: the library keeps the sign of a zero input).
    at_inf: optional {+1: (f, df), -1: (f, df)} overriding the limits computed numerically.
    extra: additional inputs (doubles).
    """

    def __init__(self, name, formula, derivative, f, df, params=(), conventions="", kinks=(), dzeros=(), fzeros=(),
                 tails=(), odd_zero=False, at_inf=None, extra=()):
        self.name = name
        self.formula = formula
        self.derivative = derivative
        self.f = f
        self.df = df
        self.params = list(params)
        self.conventions = conventions
        self.kinks = list(kinks)
        self.dzeros = list(dzeros)
        self.fzeros = list(fzeros)
        self.tails = list(tails)
        self.odd_zero = odd_zero
        self.at_inf = at_inf or {}
        self.extra = list(extra)


def piecewise_linear_slope(slope):
    """f, f' of x if x > 0 else slope*x (leaky ReLU, PReLU, RReLU in inference): f'(0) = slope as in PyTorch."""
    a = mpf(slope)
    return (lambda x: x if x > 0 else a * x), (lambda x: 1 if x > 0 else a)


SELU_ALPHA = "1.6732632423543772848170429916717"
SELU_SCALE = "1.0507009873554804934193349852946"
GELU_TANH_C = "0.044715"
GELU_SIGMOID_C = "1.702"
RRELU_SLOPE = (1.0 / 8 + 1.0 / 3) / 2  # PyTorch's eval-mode slope (lower + upper)/2, computed in double


def gelu_tanh_u2(x):
    """2u with u = sqrt(2/pi)(x + 0.044715 x^3): 0.5(1 + tanh u) = sigmoid(2u)."""
    return 2 * mpmath.sqrt(2 / mpmath.pi) * (x + mpf(GELU_TANH_C) * x ** 3)


def gelu_tanh_df(x):
    c = mpf(GELU_TANH_C)
    u2 = gelu_tanh_u2(x)
    s, sm = sigmoid(u2), sigmoid(-u2)
    du2 = 2 * mpmath.sqrt(2 / mpmath.pi) * (1 + 3 * c * x * x)
    # d/dx [x*sigmoid(2u)] = sigmoid(2u) + x*sigmoid(2u)*sigmoid(-2u)*(2u)'
    return s + x * s * sm * du2


def swish_df(x, beta):
    s = sigmoid(beta * x)
    return s * (1 + beta * x * sigmoid(-beta * x))


def mish_df(x):
    sp = softplus(x)
    return tanh(sp) + x * sech(sp) ** 2 * sigmoid(x)


def squareplus_f(x, b):
    s = mpmath.sqrt(x * x + b)
    # For x < 0, x + s cancels; (x + s)(s - x) = b.
    return (x + s) / 2 if x >= 0 else b / (2 * (s - x))


def squareplus_df(x, b):
    s = mpmath.sqrt(x * x + b)
    return (1 + x / s) / 2 if x >= 0 else b / (2 * s * (s - x))


def softplus_pt(x, beta, threshold):
    """PyTorch's softplus: x when beta*x > threshold, else log(1 + e^(beta x))/beta."""
    return x if beta * x > threshold else softplus(beta * x) / beta


def softplus_pt_df(x, beta, threshold):
    return 1 if beta * x > threshold else sigmoid(beta * x)


def functions():
    """All element-wise activations with their mpmath definitions (default parameters)."""
    one, half = mpf(1), mpf("0.5")
    fs = []
    add = fs.append

    add(Fn("identity", "x", "1", lambda x: x, lambda x: 1, odd_zero=True))
    add(Fn("binary_step", "1 if x >= 0 else 0 (Heaviside with H(0) = 1; H(-0) = 1)", "0 (also at 0, by convention)",
           lambda x: 1 if x >= 0 else 0, lambda x: 0,
           conventions="step(0) = step(-0) = 1; step'(x) = 0 everywhere, including 0", kinks=[0.0]))
    add(Fn("sigmoid", "1/(1 + exp(-x))", "sigmoid(x)*sigmoid(-x)", sigmoid, lambda x: sigmoid(x) * sigmoid(-x),
           tails=[(-746.0, -700.0), (700.0, 746.0), (-40.0, -30.0), (30.0, 40.0)]))
    add(Fn("hardsigmoid", "relu6(x + 3)/6 = 0 if x <= -3, 1 if x >= 3, else x/6 + 1/2",
           "1/6 if -3 < x < 3 else 0",
           lambda x: 0 if x <= -3 else 1 if x >= 3 else (x + 3) / 6,
           lambda x: mpf(1) / 6 if -3 < x < 3 else 0,
           conventions="f'(-3) = f'(3) = 0 (PyTorch hardsigmoid_backward)", kinks=[-3.0, 3.0]))
    add(Fn("sparse_sigmoid", "0 if x <= -1, 1 if x >= 1, else (x + 1)/2", "1/2 if -1 < x < 1 else 0",
           lambda x: 0 if x <= -1 else 1 if x >= 1 else (x + 1) / 2,
           lambda x: half if -1 < x < 1 else 0,
           conventions="f'(-1) = f'(1) = 0 (as hardsigmoid's kinks)", kinks=[-1.0, 1.0]))
    add(Fn("sparse_plus", "0 if x <= -1, x if x >= 1, else (x + 1)^2/4", "0 if x <= -1, 1 if x >= 1, else (x + 1)/2",
           lambda x: 0 if x <= -1 else x if x >= 1 else (x + 1) ** 2 / 4,
           lambda x: 0 if x <= -1 else 1 if x >= 1 else (x + 1) / 2,
           conventions="f' is continuous: f'(-1) = 0, f'(1) = 1", kinks=[-1.0, 1.0]))
    add(Fn("logsigmoid", "-log(1 + exp(-x))", "sigmoid(-x)",
           lambda x: -softplus(-x), lambda x: sigmoid(-x),
           tails=[(700.0, 746.0), (-40.0, -30.0), (30.0, 40.0)]))
    add(Fn("tanh", "tanh(x)", "1 - tanh(x)^2 = sech(x)^2", tanh, lambda x: sech(x) ** 2,
           tails=[(-380.0, -350.0), (350.0, 380.0), (-25.0, -15.0), (15.0, 25.0)], odd_zero=True))
    add(Fn("hardtanh", "clamp(x, min_val, max_val)", "1 if min_val < x < max_val else 0",
           lambda x: -1 if x < -1 else 1 if x > 1 else x, lambda x: 1 if -1 < x < 1 else 0,
           params=[("min_val", -1.0), ("max_val", 1.0)],
           conventions="f'(-1) = f'(1) = 0 (PyTorch hardtanh_backward)", kinks=[-1.0, 1.0], odd_zero=True))
    add(Fn("tanhshrink", "x - tanh(x)", "tanh(x)^2", lambda x: x - tanh(x), lambda x: tanh(x) ** 2,
           conventions="tanhshrink(-0) = -0 (odd, as the catalog states; PyTorch's x - tanh(x) gives +0)",
           tails=[(-25.0, -15.0), (15.0, 25.0), (-0.1, 0.1)], odd_zero=True))
    add(Fn("softsign", "x/(1 + |x|)", "1/(1 + |x|)^2", lambda x: x / (1 + abs(x)), lambda x: 1 / (1 + abs(x)) ** 2,
           odd_zero=True))
    add(Fn("relu", "max(0, x)", "1 if x > 0 else 0", lambda x: x if x > 0 else 0, lambda x: 1 if x > 0 else 0,
           conventions="relu(-0) = +0; relu'(0) = 0", kinks=[0.0]))
    add(Fn("relu_squared", "max(0, x)^2", "2x if x > 0 else 0", lambda x: x * x if x > 0 else 0, lambda x: 2 * x if x > 0 else 0,
           conventions="relu_squared(-0) = +0; f'(0) = 0", kinks=[0.0], tails=[(1e153, 1e155), (1e-170, 1e-150)]))
    add(Fn("relu6", "min(max(0, x), 6)", "1 if 0 < x < 6 else 0",
           lambda x: 0 if x <= 0 else 6 if x >= 6 else x, lambda x: 1 if 0 < x < 6 else 0,
           conventions="relu6(-0) = +0; f'(0) = f'(6) = 0 (PyTorch: hardtanh(0, 6) backward)", kinks=[0.0, 6.0]))
    f, df = piecewise_linear_slope(0.01)
    add(Fn("leaky_relu", "x if x > 0 else negative_slope*x", "1 if x > 0 else negative_slope", f, df,
           params=[("negative_slope", 0.01)], conventions="f'(0) = negative_slope (PyTorch leaky_relu_backward)",
           kinks=[0.0], odd_zero=True))
    f, df = piecewise_linear_slope(0.25)
    add(Fn("prelu", "x if x > 0 else a*x (one learnable slope a)", "1 if x > 0 else a", f, df,
           params=[("num_parameters", 1), ("init", 0.25)], conventions="f'(0) = a (PyTorch prelu backward)", kinks=[0.0], odd_zero=True))
    f, df = piecewise_linear_slope(RRELU_SLOPE)
    add(Fn("rrelu", "inference mode: x if x > 0 else ((lower + upper)/2)*x", "1 if x > 0 else (lower + upper)/2", f, df,
           params=[("lower", 1.0 / 8), ("upper", 1.0 / 3)],
           conventions="slope (lower + upper)/2 computed in double = %r; f'(0) = slope" % RRELU_SLOPE,
           kinks=[0.0], odd_zero=True))
    add(Fn("threshold", "x if x > threshold else value", "1 if x > threshold else 0",
           lambda x: x if x > 0 else 0, lambda x: 1 if x > 0 else 0,
           params=[("threshold", 0.0), ("value", 0.0)], conventions="f(0) = value; f'(threshold) = 0 (PyTorch threshold_backward)",
           kinks=[0.0]))
    add(Fn("thresholded_relu", "x if x > theta else 0", "1 if x > theta else 0",
           lambda x: x if x > 1 else 0, lambda x: 1 if x > 1 else 0,
           params=[("theta", 1.0)], conventions="f(1) = 0; f'(1) = 0", kinks=[1.0]))
    add(Fn("elu", "x if x > 0 else alpha*(exp(x) - 1)", "1 if x > 0 else alpha*exp(x)",
           lambda x: x if x > 0 else expm1(x), lambda x: 1 if x > 0 else exp(x),
           params=[("alpha", 1.0)], conventions="f'(0) = alpha*exp(0) = alpha (PyTorch elu_backward takes x <= 0 as negative)",
           kinks=[0.0], tails=[(-746.0, -700.0), (-40.0, -30.0)], odd_zero=True))
    add(Fn("selu", "scale*(x if x > 0 else alpha*(exp(x) - 1)), alpha = %s, scale = %s (exact)" % (SELU_ALPHA, SELU_SCALE),
           "scale if x > 0 else scale*alpha*exp(x)",
           lambda x: mpf(SELU_SCALE) * (x if x > 0 else mpf(SELU_ALPHA) * expm1(x)),
           lambda x: mpf(SELU_SCALE) * (1 if x > 0 else mpf(SELU_ALPHA) * exp(x)),
           conventions="f'(0) = scale*alpha (PyTorch elu_backward takes x <= 0 as negative)",
           kinks=[0.0], tails=[(-746.0, -700.0), (-40.0, -30.0)], odd_zero=True))
    add(Fn("celu", "max(0, x) + min(0, alpha*(exp(x/alpha) - 1))", "1 if x > 0 else exp(x/alpha)",
           lambda x: x if x > 0 else expm1(x), lambda x: 1 if x > 0 else exp(x),
           params=[("alpha", 1.0)], conventions="f'(0) = exp(0) = 1 (PyTorch: celu is elu with input scale 1/alpha)",
           kinks=[0.0], tails=[(-746.0, -700.0), (-40.0, -30.0)], odd_zero=True))
    add(Fn("gelu", "x*Phi(x) = x/2*erfc(-x/sqrt(2))", "Phi(x) + x*phi(x)",
           lambda x: x * big_cdf(x), lambda x: big_cdf(x) + x * phi(x),
           dzeros=[lambda: mpmath.findroot(lambda t: big_cdf(t) + t * phi(t), -0.75)],
           tails=[(-39.5, -37.0), (37.0, 39.5), (-10.0, -5.0)], odd_zero=True))
    add(Fn("gelu_tanh", "x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x^3))) = x*sigmoid(2u) (sqrt(2/pi), 0.044715 exact)",
           "sigmoid(2u) + x*sigmoid(2u)*sigmoid(-2u)*2*sqrt(2/pi)*(1 + 3*0.044715*x^2)",
           lambda x: x * sigmoid(gelu_tanh_u2(x)), gelu_tanh_df,
           dzeros=[lambda: mpmath.findroot(gelu_tanh_df, -0.75)],
           tails=[(-23.0, -20.0), (-12.0, -6.0), (5e101, 1e104), (-1e104, -5e101)], odd_zero=True))
    add(Fn("gelu_sigmoid", "x*sigmoid(1.702*x) (1.702 exact)", "sigmoid(1.702x)*(1 + 1.702x*sigmoid(-1.702x))",
           lambda x: x * sigmoid(mpf(GELU_SIGMOID_C) * x), lambda x: swish_df(x, mpf(GELU_SIGMOID_C)),
           dzeros=[lambda: mpmath.findroot(lambda t: swish_df(t, mpf(GELU_SIGMOID_C)), -0.75)],
           tails=[(-440.0, -410.0), (-30.0, -20.0)], odd_zero=True))
    add(Fn("silu", "x*sigmoid(beta*x)", "sigmoid(beta*x)*(1 + beta*x*sigmoid(-beta*x))",
           lambda x: x * sigmoid(x), lambda x: swish_df(x, one),
           params=[("beta", 1.0)], dzeros=[lambda: mpmath.findroot(lambda t: swish_df(t, one), -1.28)],
           tails=[(-750.0, -700.0), (-40.0, -30.0)], odd_zero=True))
    add(Fn("hardswish", "x*relu6(x + 3)/6 = 0 if x <= -3, x if x >= 3, else x(x + 3)/6",
           "0 if x < -3, x/3 + 1/2 if -3 <= x <= 3, else 1",
           lambda x: 0 if x <= -3 else x if x >= 3 else x * (x + 3) / 6,
           lambda x: 0 if x < -3 else (2 * x + 3) / 6 if x <= 3 else 1,
           conventions="f'(-3) = -1/2, f'(3) = 3/2 (PyTorch hardswish_backward); hardswish(-inf) = 0 (limit)",
           kinks=[-3.0, 3.0], dzeros=[lambda: mpf(-1.5)], odd_zero=True))
    add(Fn("mish", "x*tanh(softplus(x))", "tanh(sp) + x*sech(sp)^2*sigmoid(x), sp = softplus(x)",
           lambda x: x * tanh(softplus(x)), mish_df,
           dzeros=[lambda: mpmath.findroot(mish_df, -1.19)],
           tails=[(-750.0, -700.0), (-40.0, -30.0), (15.0, 25.0)], odd_zero=True))
    add(Fn("softplus", "x if beta*x > threshold else log(1 + exp(beta*x))/beta", "1 if beta*x > threshold else sigmoid(beta*x)",
           lambda x: softplus_pt(x, one, 20), lambda x: softplus_pt_df(x, one, 20),
           params=[("beta", 1.0), ("threshold", 20.0)],
           conventions="PyTorch semantics: x itself once beta*x > threshold (a jump of 2.1e-9 at x = 20); at x = 20 exactly log1p(e^20)",
           kinks=[20.0], tails=[(-746.0, -700.0), (15.0, 25.0), (-40.0, -30.0)]))
    four = mpf(4)
    add(Fn("squareplus", "(x + sqrt(x^2 + b))/2", "(1 + x/sqrt(x^2 + b))/2",
           lambda x: squareplus_f(x, four), lambda x: squareplus_df(x, four),
           params=[("b", 4.0)],
           tails=[(1e153, 1e155), (-1e155, -1e153), (1e7, 1e9), (-1e9, -1e7)]))
    add(Fn("softshrink", "x - lambda if x > lambda, x + lambda if x < -lambda, else 0", "1 if |x| > lambda else 0",
           lambda x: x - half if x > half else x + half if x < -half else 0, lambda x: 1 if abs(x) > half else 0,
           params=[("lambd", 0.5)], conventions="f(+-lambda) = 0, f'(+-lambda) = 0 (PyTorch softshrink_backward)",
           kinks=[-0.5, 0.5]))
    add(Fn("hardshrink", "x if |x| > lambda else 0", "1 if |x| > lambda else 0",
           lambda x: x if abs(x) > half else 0, lambda x: 1 if abs(x) > half else 0,
           params=[("lambd", 0.5)], conventions="f(+-lambda) = 0, f'(+-lambda) = 0 (PyTorch hardshrink)",
           kinks=[-0.5, 0.5]))
    # sin/snake: zeros of f' (and of sin) at every multiple of pi/2 offset; a sample of them near 0 and far away.
    big_k = [3, 10, 100, 1000, 10 ** 5, 10 ** 8, 10 ** 12, 10 ** 15]
    with mpmath.workprec(400):
        sin_zeros = [round_to_double(mpmath.pi * k) for k in list(range(-4, 5)) + big_k + [-k for k in big_k]]
    add(Fn("snake", "x + sin(alpha*x)^2/alpha", "1 + sin(2*alpha*x)",
           lambda x: x + mpmath.sin(x) ** 2, lambda x: 1 + mpmath.sin(2 * x),
           params=[("alpha", 1.0)],
           conventions="snake(-0) = -0 (f = x + O(x^2), as the catalog states; x + sin(x)^2 would give +0); snake(+-inf) = +-inf (limit); snake'(+-inf) = NaN (no limit); f' has double zeros at -pi/4 + k*pi",
           dzeros=[(lambda k=k: -mpmath.pi / 4 + k * mpmath.pi) for k in list(range(-4, 5)) + big_k + [-k for k in big_k]],
           at_inf={+1: (math.inf, math.nan), -1: (-math.inf, math.nan)}, odd_zero=True,
           extra=[6381956970095103.0 * 2.0 ** 797, -6381956970095103.0 * 2.0 ** 797]))
    add(Fn("sin", "sin(x)", "cos(x)", mpmath.sin, mpmath.cos,
           conventions="sin(+-inf) = cos(+-inf) = NaN",
           dzeros=[(lambda k=k: mpmath.pi / 2 + k * mpmath.pi) for k in list(range(-4, 4)) + big_k + [-k for k in big_k]],
           fzeros=sin_zeros,
           at_inf={+1: (math.nan, math.nan), -1: (math.nan, math.nan)}, odd_zero=True,
           # The double closest to a multiple of pi/2 (Kahan & McDonald; Muller, Elementary Functions).
           extra=[6381956970095103.0 * 2.0 ** 797, -6381956970095103.0 * 2.0 ** 797]))
    add(Fn("exponential", "exp(x)", "exp(x)", exp, exp,
           tails=[(-746.0, -700.0), (700.0, 710.0), (-0.001, 0.001)]))
    return fs


# ---------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------

SPECIAL_INPUTS = [
    0.0, -0.0, math.inf, -math.inf,
    5e-324, -5e-324, 2.225073858507201e-308, -2.225073858507201e-308,  # smallest and largest subnormal
    2.2250738585072014e-308, -2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308,
    1.401298464324817e-45, -1.401298464324817e-45, 1.1754943508222875e-38, -1.1754943508222875e-38,  # float limits
    3.4028234663852886e38, -3.4028234663852886e38,
    1e-300, -1e-300, 1e-20, -1e-20, 1e-8, -1e-8, 1e-4, -1e-4, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0,
    1e20, -1e20, 1e300, -1e300, 1.7e308, -1.7e308,
]

# Where implementations commonly switch algorithms or saturate: each with its double neighbours, both signs.
BREAKPOINTS = ([2.0 ** -k for k in (1, 2, 4, 6, 8, 10, 12, 16, 20, 26, 28, 30, 40, 52)]
               + [0.75, 1.5, 3.0, 4.0, 5.0, 8.0, 10.0, 15.0, 16.0, 20.0, 30.0, 32.0, 40.0, 50.0, 100.0, 700.0,
                  708.0, 709.0, 709.782712893384, 710.0, 744.0, 745.0, 745.1332191019411, 746.0, 1000.0, 1e4, 2.0 ** 53,
                  1e20, 1e100, 1.3407807929942596e154])


def input_set(fn):
    """About 2500 distinct double inputs for fn (NaN included once with each sign).

    Half of the samples in each continuous region are rounded to float32, so that the check of the float
    reference (which needs float inputs) reaches every region too."""
    rng = random.Random(zlib.crc32(fn.name.encode()))
    seen = {}

    def add(x):
        x = float(x)
        if not math.isnan(x):
            seen[bits_of(x)] = x

    def sample(x, i):
        if i % 2 == 0:
            f = to_float32(x)
            if not math.isinf(f) and f != 0:
                return f
        return x

    def approach(p, ulps, powers, uniform):
        """p, its `ulps` double neighbours and float neighbours on each side, p +- |p|*2^-j for j in powers,
        and `uniform` points within 0.05 of p."""
        add(p)
        for s in range(1, ulps + 1):
            add(next_up(p, s))
            add(next_up(p, -s))
        for f in float_neighbours(p):
            add(f)
        scale = max(1.0, abs(p))
        for j in powers:
            add(p + scale * 2.0 ** -j)
            add(p - scale * 2.0 ** -j)
        for i in range(uniform):
            add(sample(p + rng.uniform(-0.05, 0.05), i))

    for x in SPECIAL_INPUTS:
        add(x)
    # Random bit patterns: every binade of both signs equally likely (doubles, then floats).
    for _ in range(400):
        b = rng.getrandbits(64)
        if (b >> 52) & 0x7FF != 0x7FF:
            add(double_of(b))
    for _ in range(200):
        b = rng.getrandbits(32)
        if (b >> 23) & 0xFF != 0xFF:
            add(struct.unpack("<f", struct.pack("<I", b))[0])
    # Subnormals with any number of significant bits.
    for _ in range(50):
        m = rng.getrandbits(rng.randint(1, 52)) or 1
        add(math.copysign(math.ldexp(m, -1074), rng.choice((1, -1))))
    # Tiny magnitudes, log-uniform from the smallest subnormal to 2^-10.
    for i in range(160):
        x = math.copysign(2.0 ** rng.uniform(-1074, -10), rng.choice((1, -1)))
        add(sample(x, i) if abs(x) > 1.2e-38 else x)
    # The dense region.
    for i in range(900):
        add(sample(rng.uniform(-50, 50), i))
    # Moderate magnitudes, log-uniform over 2^-10 .. 2^20.
    for i in range(160):
        add(sample(math.copysign(2.0 ** rng.uniform(-10, 20), rng.choice((1, -1))), i))
    # Quarter steps over [-10, 10]: simple values whose results are often exact.
    for k in range(-40, 41):
        add(k / 4)
    for p in BREAKPOINTS:
        for s in (-1, 0, 1):
            add(next_up(p, s))
            add(-next_up(p, s))
    # Function-specific tails.
    if fn.tails:
        per = max(40, 320 // len(fn.tails))
        for lo, hi in fn.tails:
            for i in range(per):
                add(sample(rng.uniform(lo, hi), i))
    # Kinks and jumps: approached from both sides down to the last bit.
    for k in fn.kinks:
        approach(k, 3, (1, 2, 3, 4, 6, 8, 10, 13, 16, 20, 24, 28, 32, 40, 48, 51), 12)
    # Zeros of f' (and of f): approached from both sides; those far from 0 more sparsely.
    with mpmath.workprec(400):
        dzeros = [round_to_double(z()) for z in fn.dzeros]
    for z in dzeros:
        if abs(z) < 20:
            approach(z, 4, (4, 8, 12, 16, 20, 26, 32, 40, 46), 12)
        else:
            approach(z, 2, (8, 16, 24, 32, 40, 46), 0)
    for z in fn.fzeros:
        approach(z, 2, (8, 16, 24, 32, 40, 46), 0)
    for x in fn.extra:
        add(x)
    return list(seen.values()) + [math.nan, double_of(0xFFF8000000000000)]


# ---------------------------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------------------------


def working_precision(x):
    """Bits to start with: 256, plus 3 bits per binade below 1, so that x - tanh(x) and friends, which lose about
    2*|log2 x| bits to cancellation, keep hundreds of good bits. (For huge |x| mpmath's own functions raise their
    internal precision for argument reduction; the formulas here only add and multiply there.)"""
    if x == 0 or math.isinf(x):
        return 256
    e = math.frexp(x)[1] - 1
    return 256 + 3 * max(0, -e)


def same(a, b):
    return all(bits_of(p) == bits_of(q) or (math.isnan(p) and math.isnan(q)) for p, q in zip(a, b))


def binade(x):
    """floor(log2 |x|) for a nonzero finite double."""
    return math.frexp(x)[1] - 1


def precision_for(dd):
    """Bits that resolve the double-double dd: the span from hi down to lo's last bits, or down to below the
    smallest subnormal when lo is 0 (an exact double, or a remainder lost to too low a precision), plus a margin
    for the bits a formula may lose."""
    hi, lo = dd
    if hi == 0 or math.isinf(hi) or math.isnan(hi):
        return 0
    return binade(hi) - (binade(lo) if lo != 0 else -1075) + 64


def evaluate(fun, x):
    """fun(x) as a double-double: accepted when two working precisions agree bit for bit and the lower one
    resolves the remainder (precision_for); otherwise the precision is raised."""
    p = working_precision(x)
    while True:
        results = []
        for prec in (p, p + p // 2 + 64):
            with mpmath.workprec(prec):
                results.append(to_double_double(mpf(fun(mpf(x)))))
        if same(results[0], results[1]) and p >= precision_for(results[0]):
            return results[0]
        p = max(2 * p, precision_for(results[1]))
        if p > 1 << 17:
            raise RuntimeError("no agreement for x = %r at %d bits: %r" % (x, p, results))


HUGE = "1e400"  # stands for +-inf: beyond the double range, where every function has reached its limit


def row(fn, x):
    """(x, f_hi, f_lo, df_hi, df_lo) for one input."""
    if math.isnan(x):
        return (x, math.nan, 0.0, math.nan, 0.0)
    if math.isinf(x):
        sign = 1 if x > 0 else -1
        if sign in fn.at_inf:
            fv, dv = fn.at_inf[sign]
            return (x, fv, 0.0, dv, 0.0)
        big = mpf(HUGE) * sign
        fh, _ = evaluate(lambda _: fn.f(big), 1.0)
        dh, _ = evaluate(lambda _: fn.df(big), 1.0)
        return (x, fh, 0.0, dh, 0.0)
    fh, fl = evaluate(fn.f, x)
    dh, dl = evaluate(fn.df, x)
    if x == 0 and fh == 0:
        # The sign of a zero result at +-0: -0 for functions that behave like c*x there (IEEE evaluation).
        fh = -0.0 if (fn.odd_zero and math.copysign(1, x) < 0) else 0.0
    return (x, fh, fl, dh, dl)


def hex_bits(x):
    if math.isnan(x):
        return "%x" % (bits_of(x) | 0x0008000000000000)  # quiet NaN, sign kept
    return "%x" % bits_of(x)


def sort_key(x):
    """IEEE total order: -NaN < -inf < ... < -0 < +0 < ... < +inf < +NaN."""
    b = bits_of(x)
    return (~b & 0xFFFFFFFFFFFFFFFF) if b >> 63 else (b | 0x8000000000000000)


def write_table(fn, path):
    xs = sorted(input_set(fn), key=sort_key)
    rows = [row(fn, x) for x in xs]
    params = ", ".join("%s=%r" % (n, v) for n, v in fn.params) or "(none)"
    with open(path, "w", newline="\n") as out:
        out.write("# ActivationKit golden table: %s at its default parameters (generated by tools/golden/gen_golden.py"
                  " with mpmath %s; do not edit)\n" % (fn.name, mpmath.__version__))
        out.write("# f(x)  = %s\n" % fn.formula)
        out.write("# f'(x) = %s\n" % fn.derivative)
        out.write("# parameters: %s\n" % params)
        if fn.conventions:
            out.write("# conventions: %s\n" % fn.conventions)
        out.write("# columns: IEEE-754 binary64 bit patterns in hex without leading zeros;"
                  " f = f_hi + f_lo, f' = df_hi + df_lo (double-doubles of the exact values)\n")
        out.write("x,f_hi,f_lo,df_hi,df_lo\n")
        for r in rows:
            out.write(",".join(hex_bits(v) for v in r) + "\n")
    return len(rows)


def main(argv):
    fns = functions()
    if "--list" in argv:
        print("\n".join(f.name for f in fns))
        return 0
    wanted = [a for a in argv if not a.startswith("-")]
    unknown = set(wanted) - {f.name for f in fns}
    if unknown:
        print("unknown function(s): %s (see --list)" % ", ".join(sorted(unknown)), file=sys.stderr)
        return 2
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out_dir = os.path.join(root, "tests", "ActivationKit.Tests", "Golden")
    os.makedirs(out_dir, exist_ok=True)
    for fn in fns:
        if wanted and fn.name not in wanted:
            continue
        path = os.path.join(out_dir, fn.name + ".csv")
        n = write_table(fn, path)
        print("%-18s %5d rows  %7d bytes" % (fn.name, n, os.path.getsize(path)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
