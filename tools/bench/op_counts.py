#!/usr/bin/env python3
"""Count the vector instructions per register in the inner loops of our kernels and of oneDNN's JIT kernels.

  tools/bench/op_counts.py --anchors-bin DIR [--actkit BUILD_DIR] [--rounds R] [--markdown] [FN ...]

For each function it reads two pieces of generated machine code, both for 512-bit registers (16 floats):
- ours: the element-wise driver's loops as the .NET JIT compiled them (`DOTNET_JitDisasm`, written by running
  `actkit bench FN --sizes 4096 --reps 1` once), the out-of-place float instantiation over `V512<float>` (or, for
  kernels that compute float data in double lanes, the loop over eight floats widened to a `V512<double>`);
- oneDNN's: the eltwise kernels oneDNN's JIT generates for the same call (`ONEDNN_JIT_DUMP=1` while the anchor harness
  `onednn_bench time FN 4096 1` runs), disassembled with objdump.

In each listing the inner loop is the back edge (a jump to an earlier address) whose span holds the most vector
instructions; counts are per 16 floats (a loop over two registers per iteration is halved, the widened loop over 8
floats doubled). Vector instructions are those
naming a zmm, ymm or xmm register or a mask register k1–k7. Register-to-register moves (`vmovups zmm1, zmm2`,
`vmovaps`) are counted apart: the core renames most of them away. Loads of constants folded into an operation
(`vfmadd213ps zmm1, zmm2, [mem]`) count as the one operation; separate broadcasts and loads count as instructions.
The load of the input and the store of the output are included on both sides.

With --rounds R it also times both at n = 262,144 (R alternating rounds of `actkit bench FN --sizes 262144 --json`
and `onednn_bench time FN 262144 20`, the best per cell) and prints the rate: vector instructions other than
register moves, per 16 elements, divided by the time of 16 elements. Where both sides sustain about the same rate,
the time ratio is the instruction ratio, and 1.5× the anchor's speed needs two thirds of its instructions
(docs/performance-history.md, "Instruction counts against oneDNN's JIT"). Needs objdump (binutils) and an onednn_bench
built by ../shared/anchors/onednn/build.sh.
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

from benchutil import missing_anchors

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# The compute-bound functions of the speed target (the relu family is measured against a copy instead).
DEFAULT_FUNCTIONS = ['sigmoid', 'tanh', 'gelu', 'gelu_tanh', 'silu', 'mish', 'softplus', 'elu', 'selu', 'logsigmoid',
                     'hardswish']
# Our kernel type for each function name (the struct the driver's loops are instantiated with).
KERNEL_TYPES = {
    'sigmoid': 'Sigmoid+Kernel_', 'tanh': 'Tanh+Kernel_', 'gelu': 'Gelu+Kernel_', 'gelu_tanh': 'GeluTanh+Kernel_',
    'silu': 'Silu+Kernel_', 'mish': 'Mish+Kernel_', 'softplus': 'Softplus+Kernel_', 'elu': 'Elu+Kernel_',
    'logsigmoid': 'LogSigmoid+Kernel_', 'hardswish': 'Hardswish+Kernel_', 'selu': 'Selu+Kernel_',
}
ONE_THREAD = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')   # as side_by_side.py: one thread each
VECTOR = re.compile(r'\b([xyz]mm\d+|k[1-7])\b')
MOVE = re.compile(r'^\s*vmov(?:ups|aps|dqa64|dqu64|dqa32|dqu32)\s+([xyz]mm\d+)\s*,\s*([xyz]mm\d+)\s*$')


def classify(instructions):
    """(vector instructions, of which register moves, of which divisions) over a list of instruction texts."""
    vec = [i for i in instructions if VECTOR.search(i) and not i.startswith(('vzeroupper', 'kmov'))]
    moves = [i for i in vec if MOVE.match(i)]
    divisions = [i for i in vec if re.match(r'^\s*v(div|sqrt|rcp)', i)]
    return len(vec), len(moves), len(divisions)


def best_loop(instrs):
    """instrs: list of (address, text, jump target or None). The back edge whose span holds the most vector
    instructions (ties: the shorter span); returns the instruction texts of that span."""
    best = None
    for j, (addr, text, target) in enumerate(instrs):
        if target is None or target > addr:
            continue
        start = next((k for k, ins in enumerate(instrs) if ins[0] >= target), None)
        if start is None:
            continue
        span = [ins[1] for ins in instrs[start:j + 1]]
        count = classify(span)[0]
        key = (count, -(j - start))
        if best is None or key > best[0]:
            best = (key, span)
    return best[1] if best else []


def onednn_loops(fn, anchors_bin):
    """Vector-instruction counts of oneDNN's forward and backward JIT kernels for fn (in creation order)."""
    exe = os.path.join(anchors_bin, 'onednn_bench')
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(ONE_THREAD, ONEDNN_JIT_DUMP='1', DNNL_JIT_DUMP='1')
        if subprocess.run([exe, 'time', fn, '4096', '1'], cwd=tmp, env=env, capture_output=True).returncode != 0:
            return []   # a function the oneDNN harness does not have (selu)
        dumps = sorted(glob.glob(os.path.join(tmp, '*.bin')),
                       key=lambda p: int(re.search(r'\.(\d+)\.bin$', p).group(1)))
        loops = []
        for path in dumps:
            text = subprocess.run(['objdump', '-D', '-b', 'binary', '-m', 'i386:x86-64', '-M', 'intel', path],
                                  check=True, capture_output=True, text=True).stdout
            instrs = []
            for line in text.splitlines():
                m = re.match(r'^\s*([0-9a-f]+):\t[0-9a-f ]+\t(.*)$', line)
                if not m:
                    continue
                addr, ins = int(m.group(1), 16), m.group(2).strip()
                jm = re.match(r'^j\w+\s+0x([0-9a-f]+)', ins)
                instrs.append((addr, ins, int(jm.group(1), 16) if jm else None))
            span = best_loop(instrs)
            if span and any('zmm' in s for s in span):
                loops.append(classify(span))
        return loops


def our_loops(fn, actkit_dir):
    """{'fwd': counts, 'bwd': counts} for our out-of-place V512<float> loops of fn."""
    kernel = KERNEL_TYPES.get(fn)
    if kernel is None:
        sys.exit(f'op_counts.py: no kernel type known for {fn!r}; add it to KERNEL_TYPES.')
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'jit.txt')
        env = dict(os.environ, DOTNET_JitDisasm='Loop PairLoop CheapLoop Widened512', DOTNET_JitStdOutFile=out)
        subprocess.run(['dotnet', os.path.join(actkit_dir, 'actkit.dll'), 'bench', fn, '--sizes', '4096',
                        '--reps', '1'], env=env, check=True, capture_output=True)
        text = open(out).read()
    result = {}
    for listing in text.split('; Assembly listing for method ')[1:]:
        header = listing.splitlines()[0]
        method = re.match(r'\S+:(\w+)\[(\S+?Map)`1', header)
        if method is None or f'Functions.{kernel}]' not in header or 'WithRedo' in header:
            continue
        if method.group(1) != 'Widened512' and 'V512`1[float]' not in header:
            continue
        direction = 'bwd' if 'Backward' in method.group(2) else 'fwd'
        if direction in result:
            continue
        # Registers of 16 floats per iteration: PairLoop and CheapLoop take two, Widened512 half of one (8 floats
        # widened to doubles).
        per_iteration = {'PairLoop': 2, 'CheapLoop': 2, 'Widened512': 0.5}.get(method.group(1), 1)
        labels, instrs = {}, []
        for line in listing.splitlines()[1:]:
            lm = re.match(r'^(G_M\d+_IG\d+):', line)
            if lm:
                labels[lm.group(1)] = len(instrs)
                continue
            ins = line.strip()
            if not ins or ins.startswith(';') or ins.startswith('RWD') or ins.startswith('align'):
                continue
            jm = re.match(r'^j\w+\s+(G_M\d+_IG\d+)', ins)
            instrs.append([len(instrs), ins, jm.group(1) if jm else None])
        for ins in instrs:
            if ins[2] is not None:
                ins[2] = labels.get(ins[2], 1 << 30)
        counts = classify(best_loop([tuple(i) for i in instrs]))
        result[direction] = tuple(c / per_iteration for c in counts)
    return result


def times(fn, actkit_dir, anchors_bin, rounds):
    """Best ns/element at 262,144 over alternating rounds: {('ours'|'onednn', 'fwd'|'bwd'): ns}."""
    best = {}

    def keep(key, value):
        if value is not None and (key not in best or value < best[key]):
            best[key] = value

    for _ in range(rounds):
        out = subprocess.run(['dotnet', os.path.join(actkit_dir, 'actkit.dll'), 'bench', fn, '--sizes', '262144',
                              '--json'], check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            if line.startswith('{'):
                rec = json.loads(line)
                if rec.get('impl') == 'activationkit':
                    keep(('ours', 'fwd'), rec.get('fwd_ns_per_elem'))
                    keep(('ours', 'bwd'), rec.get('bwd_ns_per_elem'))
        run = subprocess.run([os.path.join(anchors_bin, 'onednn_bench'), 'time', fn, '262144', '20'],
                             capture_output=True, text=True, env=ONE_THREAD)
        if run.returncode == 0:
            rec = json.loads(run.stdout.strip().splitlines()[-1])
            keep(('onednn', 'fwd'), rec.get('fwd_ns_per_elem'))
            keep(('onednn', 'bwd'), rec.get('bwd_ns_per_elem'))
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--anchors-bin', required=True, help='folder holding onednn_bench')
    ap.add_argument('--actkit', default=os.path.join(ROOT, 'src/ActivationKit.Cli/bin/Release/net10.0'),
                    help='folder holding actkit.dll (a Release build)')
    ap.add_argument('--rounds', type=int, default=0, help='also time both sides over this many alternating rounds')
    ap.add_argument('--markdown', action='store_true', help='print a Markdown table')
    ap.add_argument('functions', nargs='*', default=DEFAULT_FUNCTIONS)
    a = ap.parse_args()
    if problem := missing_anchors([('build it with ../shared/anchors/onednn/build.sh', os.path.join(a.anchors_bin, 'onednn_bench'))]):
        sys.exit(f'op_counts.py: --anchors-bin: {problem}.')
    if not os.path.isfile(os.path.join(a.actkit, 'actkit.dll')):
        sys.exit(f'op_counts.py: {a.actkit} holds no actkit.dll; build with dotnet build src/ActivationKit.Cli -c Release.')

    def cell(c, ns=None):
        if c is None:
            return '–'
        n, moves, divs = c
        fmt = (lambda v: f'{v:g}')
        extra = [f'{fmt(moves)} moves'] if moves else []
        extra += [f'{fmt(divs)} div'] if divs else []
        text = fmt(n) + (f' ({", ".join(extra)})' if extra else '')
        if ns:
            text += f'; {ns:.3f} ns, {(n - moves) / (16 * ns):.1f}/ns'
        return text

    if a.markdown:
        print('| function | ours fwd | oneDNN fwd | ours bwd | oneDNN bwd |')
        print('|---|---|---|---|---|')
    for fn in a.functions:
        ours = our_loops(fn, a.actkit)
        theirs = onednn_loops(fn, a.anchors_bin)
        t = times(fn, a.actkit, a.anchors_bin, a.rounds) if a.rounds > 0 else {}
        cells = [cell(ours.get('fwd'), t.get(('ours', 'fwd'))),
                 cell(theirs[0] if len(theirs) > 0 else None, t.get(('onednn', 'fwd'))),
                 cell(ours.get('bwd'), t.get(('ours', 'bwd'))),
                 cell(theirs[1] if len(theirs) > 1 else None, t.get(('onednn', 'bwd')))]
        if a.markdown:
            print(f'| {fn} | ' + ' | '.join(cells) + ' |')
        else:
            print(f'{fn:12} fwd ours {cells[0]:40} oneDNN {cells[1]:40} bwd ours {cells[2]:40} oneDNN {cells[3]}')


if __name__ == '__main__':
    main()
