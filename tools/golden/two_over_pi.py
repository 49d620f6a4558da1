#!/usr/bin/python3
"""The binary expansion of 2/pi as 64-bit words, for the Payne-Hanek reduction in src/ActivationKit/Kernels/VMath.Trig.cs.

Usage: /usr/bin/python3 tools/golden/two_over_pi.py [WORDS]
Prints WORDS (default 20) C# ulong literals: word k holds the bits b(64k+1) ... b(64k+64) of 2/pi = sum b(i) 2^-i,
most significant first (word 0 = 0xA2F9836E4E441529). The digits are computed with mpmath at WORDS*64 + 128 bits,
and checked against a second evaluation at twice that precision.
"""
import sys

import mpmath


def words(count):
    bits = count * 64
    result = []
    for prec in (bits + 128, 2 * bits + 256):
        with mpmath.workprec(prec):
            v = int(mpmath.floor(2 / mpmath.pi * mpmath.mpf(2) ** bits))
        result.append([(v >> (64 * (count - 1 - k))) & (2 ** 64 - 1) for k in range(count)])
    if result[0] != result[1]:
        raise RuntimeError("the two precisions disagree")
    return result[0]


def main(argv):
    count = int(argv[0]) if argv else 20
    w = words(count)
    for i in range(0, count, 4):
        print("        " + " ".join("0x%016X," % x for x in w[i:i + 4]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
