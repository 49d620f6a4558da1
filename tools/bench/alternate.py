#!/usr/bin/env python3
"""Compare builds of `actkit` in alternating processes: the way every kernel decision in docs/performance.md is measured.

  tools/bench/alternate.py --rounds 6 --args "softmax --shapes 1024x1000" BUILD_DIR [BUILD_DIR ...]

Each BUILD_DIR holds an `actkit.dll` (copy src/ActivationKit.Cli/bin/Release/net10.0 somewhere before changing the
code, then build again). ARGS, split as the shell splits words, must name what to time (a blank --args is refused:
`actkit bench` alone times all 18 default functions). Every round runs `actkit bench ARGS --json` once per build, in a fresh random order, and the
table keeps the best time per function, size and direction (fwd, bwd, and bwd_from_output where the function has
one) over all rounds. This host runs whole processes 30–60 %
slow at times and often for minutes, so one process per build, or the same order every round, can put all of one
build's runs in a slow stretch; differences below about 3 % between sets of rounds are noise here.
"""
import argparse
import os
import random
import shlex
import subprocess
import sys

from benchutil import Parser, json_line, positive_int


def main():
    ap = Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rounds', type=positive_int, default=6)
    ap.add_argument('--args', required=True, help='arguments after `actkit bench`, e.g. "sigmoid tanh --sizes 262144" '
                                                  '(shell quoting applies: "\'leaky_relu(0.2)\' --sizes 4096")')
    ap.add_argument('--reps', type=positive_int, default=20)
    ap.add_argument('--seed', type=int, help='seed for the order of the builds in each round')
    ap.add_argument('builds', nargs='+', help='folders that hold actkit.dll')
    a = ap.parse_args()
    try:
        bench_args = shlex.split(a.args)
    except ValueError as e:
        ap.error(f'argument --args: {e} in {a.args!r}')
    if not bench_args:
        # `actkit bench` alone times all 18 default functions at three sizes and one shape: rarely meant, long to run.
        ap.error('argument --args is blank; give the functions and options to time, e.g. --args "sigmoid --sizes 262144" '
                 '(every default function: --args="--sizes 4096,262144,16777216")')

    for b in a.builds:
        if not os.path.isfile(os.path.join(b, 'actkit.dll')):
            sys.exit(f'{b} holds no actkit.dll; copy a Release build folder there first.')
    names = [os.path.basename(os.path.normpath(b)) or b for b in a.builds]
    if len(set(names)) != len(names):
        names = a.builds

    order = random.Random(a.seed)
    best = {}
    dtypes = set()
    for r in range(a.rounds):
        builds = list(zip(names, a.builds))
        order.shuffle(builds)
        for name, folder in builds:
            cmd = ['dotnet', os.path.join(folder, 'actkit.dll'), 'bench', *bench_args, '--reps', str(a.reps), '--json']
            out = subprocess.run(cmd, capture_output=True, text=True)
            if out.returncode != 0:
                sys.exit(f'{name}: `{" ".join(cmd)}` failed: {out.stderr.strip() or out.stdout.strip()}')
            for row in filter(None, map(json_line, out.stdout.splitlines())):
                if row.get('impl') != 'activationkit':
                    continue
                dtypes.add(row.get('dtype', '?'))
                for direction in ('fwd', 'bwd', 'bwd_from_output'):
                    v = row.get(f'{direction}_ns_per_elem')
                    if v is None:
                        continue
                    size = f"{row['rows']}x{row['cols']}" if row.get('rows') else str(row['n'])
                    key = (row['fn'], size, direction, name)
                    best[key] = min(best.get(key, float('inf')), v)
        print(f'round {r + 1} of {a.rounds} done', file=sys.stderr)

    # Sizes in numeric order (element counts, then shapes by rows and columns), forward before backward.
    def sort_key(case):
        fn, size, direction = case
        dims = tuple(int(v) for v in size.split('x'))
        return fn, len(dims), dims, ('fwd', 'bwd', 'bwd_from_output').index(direction)

    cases = sorted({(fn, n, d) for fn, n, d, _ in best}, key=sort_key)
    print(f'| function ({"/".join(sorted(dtypes))}, ns/element) | size | direction | ' + ' | '.join(names) + ' |')
    print('|---|---|---|' + '---|' * len(names))
    for fn, n, d in cases:
        cells = [f'{best[(fn, n, d, name)]:.3f}' if (fn, n, d, name) in best else '–' for name in names]
        print(f'| {fn} | {n} | {d} | ' + ' | '.join(cells) + ' |')


if __name__ == '__main__':
    main()
