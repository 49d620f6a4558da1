#!/usr/bin/env python3
"""Find kernel methods where the JIT left calls to the SIMD wrappers or lane accumulators (a blown inlining budget).

  DOTNET_TieredCompilation=0 DOTNET_JitStdOutFile=/tmp/k.asm \
    DOTNET_JitDisasm="ActivationKit.Kernels.SoftmaxCoreFloat:* ActivationKit.Kernels.SoftmaxCore:*" \
    dotnet src/ActivationKit.Cli/bin/Release/net10.0/actkit.dll row-hashes --scale 0.05 >/dev/null
  tools/bench/inline_scan.py /tmp/k.asm

A kernel's wrappers (V512<T>, V256<T>, V128<T>, S<T>), its canonical-lane accumulators (FloatLanes16*, DoubleLanes8*),
ErrorFree, VMath and Lanes are all meant to inline. Where one is called instead, a struct the call takes by reference
(an accumulator's Add) is kept in memory for the whole method, loops included: the float log-softmax forward's sum ran
1.7x slower for a call after its loop. Each line names a method and the calls that should not be there. Run it under
DOTNET_EnableAVX512=0 (and =0 for AVX2) too: each width compiles its own copies.
"""
import re
import sys

WRAPPERS = re.compile(r'ActivationKit\.Simd\.(V512|V256|V128|S)`1\[[^\]]*\]:|FloatLanes16|DoubleLanes8|Lanes8|:Add\[|ErrorFree|VMath:|Lanes:')


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    text = open(sys.argv[1], encoding='utf-8', errors='replace').read()
    methods = re.split(r'(?m)^; Assembly listing for method ', text)[1:]
    flagged = 0
    for body in methods:
        name = body.split('\n', 1)[0]
        calls = [c for c in re.findall(r'call\s+\[([^\]]+)\]', body) if WRAPPERS.search(c)]
        if not calls:
            continue
        flagged += 1
        shorten = lambda s: re.sub(r'ActivationKit\.(Kernels|Simd)\.', '', s)
        names = sorted({shorten(c.split('(')[0]) for c in calls})
        print(f'{shorten(name)[:200]}\n    {len(calls)} call(s): {", ".join(names[:4])}')
    print(f'{len(methods)} methods, {flagged} with calls that should have inlined')


if __name__ == '__main__':
    main()
