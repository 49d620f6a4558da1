#!/usr/bin/env python3
"""Swish and softplus with a β other than 1 against the anchors that have them, in alternating processes.

  tools/bench/beta_anchors.py --actkit BUILD_DIR [--beta 2] [--n 262144] [--rounds 3] [--reps 20]

The shared anchor harnesses (../shared/anchors) take the default parameters only. This builds oneDNN's harness again
from its source with eltwise_swish's alpha set to β (oneDNN 2.6 has no β for soft_relu), times PyTorch's
F.softplus(x, beta=β) and the composition x·sigmoid(βx) a PyTorch user writes for swish (forward, and forward plus
gradient less forward, as the shared PyTorch harness does), and runs `actkit bench 'silu(beta=β)' 'softplus(beta=β)'`
from BUILD_DIR, each once per round in a random order; the table keeps the best per cell. Needs g++ with
libdnnl-dev and /usr/bin/python3 with python3-torch. Inputs are Normal(0, 3) everywhere, as in the shared harnesses.
"""
import argparse
import os
import sys
import tempfile

from benchutil import TORCH_TIMING, BestCells, Parser, Tools, in_alternating_rounds, positive_int

HERE = os.path.dirname(os.path.abspath(__file__))
ONEDNN_SOURCE = os.path.join(HERE, '..', '..', '..', 'shared', 'anchors', 'onednn', 'bench.cpp')

TORCH_SCRIPT = TORCH_TIMING + r'''
beta, n, reps = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
time_pytorch({"silu": lambda x: x * torch.sigmoid(beta * x), "softplus": lambda x: F.softplus(x, beta=beta)}, (n,), (n,), reps)
'''


def build_onednn(beta, folder):
    """oneDNN's harness with silu's alpha (eltwise_swish) set to beta; returns the binary's path."""
    with open(ONEDNN_SOURCE, encoding='utf-8') as f:
        source = f.read()
    line = 'out = {algorithm::eltwise_swish, 1.f, 0.f};'
    if line not in source:
        sys.exit(f'beta_anchors.py: {ONEDNN_SOURCE} no longer has the line {line!r} this script patches.')
    patched = os.path.join(folder, 'bench.cpp')
    with open(patched, 'w', encoding='utf-8') as f:
        f.write(source.replace(line, f'out = {{algorithm::eltwise_swish, {beta!r}f, 0.f}};'))
    binary = os.path.join(folder, 'onednn_swish')
    TOOLS.run(['g++', '-O2', '-std=c++17', '-o', binary, patched, '-ldnnl'])
    return binary


TOOLS = Tools('beta_anchors.py', 'g++ and libdnnl-dev, /usr/bin/python3 with python3-torch, dotnet')


def main():
    ap = Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--actkit', required=True, help='folder that holds actkit.dll')
    ap.add_argument('--beta', type=float, default=2.0)
    ap.add_argument('--n', type=positive_int, default=262144)
    ap.add_argument('--rounds', type=positive_int, default=3)
    ap.add_argument('--reps', type=positive_int, default=20)
    a = ap.parse_args()
    if not (a.beta > 0 and a.beta != 1):
        ap.error('argument --beta: give a positive β other than 1 (β = 1 is silu and softplus, which side_by_side.py times)')
    dll = os.path.join(a.actkit, 'actkit.dll')
    if not os.path.isfile(dll):
        ap.error(f'argument --actkit: {dll} does not exist')
    best = BestCells()
    spec = f'{a.beta!r}'
    with tempfile.TemporaryDirectory() as folder:
        onednn = build_onednn(a.beta, folder)
        jobs = {
            'onednn': lambda: best.keep('onednn', 'silu', TOOLS.lines([onednn, 'time', 'silu', str(a.n), str(a.reps)])[0]),
            'pytorch': lambda: [best.keep('pytorch', r['fn'], r) for r in TOOLS.lines(['/usr/bin/python3', '-c', TORCH_SCRIPT, spec, str(a.n), str(a.reps)])],
            'ours': lambda: [best.keep('ours', 'silu' if r['fn'].startswith('silu') else 'softplus', r)
                             for r in TOOLS.lines(['dotnet', dll, 'bench', f'silu(beta={spec})', f'softplus(beta={spec})', '--sizes', str(a.n),
                                                   '--reps', str(a.reps), '--json']) if r.get('impl') == 'activationkit'],
        }
        in_alternating_rounds(jobs, a.rounds)

    print(f'| function (β = {spec}, n = {a.n}, ns/element) | ours fwd | ours bwd | oneDNN fwd | oneDNN bwd | PyTorch fwd | PyTorch bwd |')
    print('|---|---|---|---|---|---|---|')
    for fn in ('silu', 'softplus'):
        print(f'| {fn} | ' + ' | '.join(best.text(i, fn, k) for i in ('ours', 'onednn', 'pytorch') for k in BestCells.KEYS) + ' |')


if __name__ == '__main__':
    main()
