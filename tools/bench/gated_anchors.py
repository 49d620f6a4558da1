#!/usr/bin/env python3
"""The GLU family against PyTorch, in alternating processes.

  tools/bench/gated_anchors.py --actkit BUILD_DIR [--shape 1024x1000] [--rounds 3] [--reps 20]

The shared anchor harnesses (../shared/anchors) have no gated functions. This times what a PyTorch user runs for them
on rows [a | b] of the shape's columns (one thread): F.glu(x, dim=-1) for glu, and the compositions a * F.silu(b) for
swiglu and a * F.gelu(b) for geglu (PyTorch has no operator for either), with a, b = x.chunk(2, dim=-1); forward,
and forward plus gradient less forward, as the shared PyTorch harness does. It runs `actkit bench glu swiglu geglu
--shapes ROWSxCOLS` from BUILD_DIR (ours and TensorPrimitives' composition, forward only) the same way, each once per
round in a random order; the table keeps the best per cell. Times are ns per *input* element, as `actkit bench`
reports gated functions. Needs /usr/bin/python3 with python3-torch. Inputs are Normal(0, 3), dy Normal(0, 1).
"""
import argparse
import os

from benchutil import TORCH_TIMING, BestCells, Parser, Tools, in_alternating_rounds, positive_int, shape_list

FUNCTIONS = ('glu', 'swiglu', 'geglu')

TORCH_SCRIPT = TORCH_TIMING + r'''
rows, cols, reps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
def halves(f):
    def g(x):
        a, b = x.chunk(2, dim=-1)
        return a * f(b)
    return g
fns = {"glu": lambda x: F.glu(x, dim=-1), "swiglu": halves(F.silu), "geglu": halves(F.gelu)}
time_pytorch(fns, (rows, cols), (rows, cols // 2), reps)
'''


TOOLS = Tools('gated_anchors.py', '/usr/bin/python3 with python3-torch, dotnet')


def main():
    ap = Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--actkit', required=True, help='folder that holds actkit.dll')
    ap.add_argument('--shape', type=shape_list, default=[(1024, 1000)], help='ROWSxCOLS, COLS even (default 1024x1000)')
    ap.add_argument('--rounds', type=positive_int, default=3)
    ap.add_argument('--reps', type=positive_int, default=20)
    a = ap.parse_args()
    if len(a.shape) != 1:
        ap.error('argument --shape: give one shape')
    rows, cols = a.shape[0]
    if cols % 2 != 0:
        ap.error(f'argument --shape: a gated row splits into two halves, so its columns must be even, got {cols}')
    dll = os.path.join(a.actkit, 'actkit.dll')
    if not os.path.isfile(dll):
        ap.error(f'argument --actkit: {dll} does not exist')
    best = BestCells()
    jobs = {
        'pytorch': lambda: [best.keep('pytorch', r['fn'], r)
                            for r in TOOLS.lines(['/usr/bin/python3', '-c', TORCH_SCRIPT, str(rows), str(cols), str(a.reps)])],
        'ours': lambda: [best.keep('ours' if r['impl'] == 'activationkit' else 'tp', r['fn'], r)
                         for r in TOOLS.lines(['dotnet', dll, 'bench', *FUNCTIONS, '--shapes', f'{rows}x{cols}', '--reps', str(a.reps), '--json'])
                         if r.get('impl') in ('activationkit', 'tensorprimitives')],
    }
    in_alternating_rounds(jobs, a.rounds)

    def ratio(fn, key):
        ours, torch = best.get('ours', fn, key), best.get('pytorch', fn, key)
        return '–' if ours is None or torch is None else f'{torch / ours:.2f}×'

    print(f'| function ({rows} × {cols}, ns per input element) | ours fwd | ours bwd | PyTorch fwd | PyTorch bwd | TP fwd | PyTorch / ours fwd | PyTorch / ours bwd |')
    print('|---|---|---|---|---|---|---|---|')
    for fn in FUNCTIONS:
        print(f'| {fn} | {best.text("ours", fn, "fwd_ns_per_elem")} | {best.text("ours", fn, "bwd_ns_per_elem")} | '
              f'{best.text("pytorch", fn, "fwd_ns_per_elem")} | {best.text("pytorch", fn, "bwd_ns_per_elem")} | '
              f'{best.text("tp", fn, "fwd_ns_per_elem")} | {ratio(fn, "fwd_ns_per_elem")} | {ratio(fn, "bwd_ns_per_elem")} |')


if __name__ == '__main__':
    main()
