#!/usr/bin/env python3
"""Side-by-side kernel timings: ActivationKit (`actkit bench`, which also times TensorPrimitives and a copy),
oneDNN, PyTorch and ONNX Runtime, in one run on one machine; prints a markdown table (and writes it with --out).

  tools/bench/side_by_side.py [--sizes 4096,262144,16777216] [--shape 1024x1000] [--reps 30] [--functions sigmoid tanh ...]
                              [--anchors-src ../shared/anchors] [--anchors-bin DIR] [--out table.md] [--jsonl raw.jsonl]
  tools/bench/side_by_side.py --isa avx2 [...]   (every implementation held to AVX2; ONNX Runtime left out)
  tools/bench/side_by_side.py --from-jsonl run1.jsonl run2.jsonl [--functions ...] [--sizes ...] [--shape ...] [--out table.md]

The anchors are built from their sources (see ANCHORS/README.md) into a temporary folder unless --anchors-bin
names a folder that already holds onednn_bench and ort/ort; either way they are checked before anything is timed.
Everything runs on one thread (OMP_NUM_THREADS=1). Function names are checked against `actkit list --json` first;
row-wise and gated functions (kind "rowwise" or "gated" there: softmax, softmin, glu…) are timed at the --shape
shapes, the others at the --sizes. The anchors time softmax only; log_softmax's anchors come from
tools/bench/log_softmax: a oneDNN harness of our own (softmax_v2 with softmax_log, built here with g++ against
libdnnl-dev), PyTorch's torch.log_softmax, and the ORT anchor, unchanged, pointed at a one-node LogSoftmax model
through $ORT_ANCHOR_MODELS. Other row-wise and gated functions are ours and TensorPrimitives' alone.

--isa avx2 times the 256-bit paths a machine without AVX-512 runs: ours with DOTNET_EnableAVX512=0 (and the older
DOTNET_EnableAVX512F=0), oneDNN with ONEDNN_MAX_CPU_ISA=AVX2, PyTorch with ATEN_CPU_CAPABILITY=avx2 (and the oneDNN
setting for the primitives it calls). ONNX Runtime has no such switch (its MLAS picks kernels from CPUID), so it is
not run. TensorPrimitives and the copy run in actkit's process and follow its setting.

--from-jsonl measures nothing: it reads raw files of earlier runs, keeps the best time per cell, and prints the
functions, sizes and shapes the files hold (or those given on the command line). Times at or below 0 and non-finite
ones (PyTorch's backward is (forward + gradient) − forward, which small n can make negative) count as missing.
"""
import argparse, json, os, subprocess, sys, tempfile

from benchutil import Parser, json_line, missing_anchors, positive_int, shape_list, size_list, timing

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
PROG = os.path.basename(__file__)
# The functions, then the two more the anchors have (exp, softsign).
DEFAULT_FNS = ['sigmoid', 'tanh', 'gelu', 'gelu_tanh', 'silu', 'mish', 'softplus', 'elu', 'selu', 'logsigmoid',
               'hardswish', 'relu', 'leaky_relu', 'relu6', 'hardtanh', 'hardsigmoid', 'softmax', 'log_softmax',
               'exponential', 'softsign']
DEFAULT_SIZES = [4096, 262144, 16777216]
DEFAULT_SHAPES = [(1024, 1000)]
# The element-wise functions each anchor has (../shared/anchors/README.md; ORT's from the models its build writes).
ONEDNN = {'relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid', 'softplus', 'gelu', 'gelu_tanh', 'silu', 'mish',
          'hardswish', 'logsigmoid', 'relu6', 'hardtanh', 'exponential'}
TORCH = {'relu', 'leaky_relu', 'elu', 'selu', 'sigmoid', 'tanh', 'silu', 'softplus', 'gelu', 'gelu_tanh', 'mish',
         'hardswish', 'logsigmoid', 'exponential'}
ORT = {'relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid', 'softplus', 'gelu', 'gelu_tanh', 'silu', 'mish', 'hardswish',
       'selu', 'hardsigmoid', 'exponential', 'softsign'}
# Where an anchor names a function differently from the catalog (its JSON lines are relabelled with ours).
ANCHOR_NAME = {'exponential': 'exp'}
# Kinds of `actkit list --json` timed over ROWSxCOLS shapes rather than element counts (as actkit bench does).
SHAPED = ('rowwise', 'gated')
ENV = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')


def fail(message):
    sys.exit(f'{PROG}: {message}')


# What --isa avx2 sets, for every process it starts.
AVX2_ENV = {'DOTNET_EnableAVX512': '0', 'DOTNET_EnableAVX512F': '0', 'ONEDNN_MAX_CPU_ISA': 'AVX2', 'DNNL_MAX_CPU_ISA': 'AVX2',
            'ATEN_CPU_CAPABILITY': 'avx2'}


def run_json(cmd, env=None):
    """Runs cmd, returns the JSON objects it printed (one per line); a failing anchor yields nothing."""
    p = subprocess.run(cmd, capture_output=True, text=True, env=env or ENV)
    if p.returncode != 0:
        print(f'warning: {" ".join(cmd)} failed: {p.stderr.strip()[:200]}', file=sys.stderr)
    return [r for r in map(json_line, p.stdout.splitlines()) if r is not None]


def build_anchors(src, out):
    for script, target in (('onednn', 'onednn_bench'), ('onnxruntime', 'ort')):
        if subprocess.run(['bash', os.path.join(src, script, 'build.sh'), os.path.join(out, target)], env=ENV).returncode != 0:
            fail(f'{os.path.join(src, script, "build.sh")} failed (its output is above; ../shared/anchors/README.md lists what it needs)')


def log_softmax_anchors(ort, rows, cols, reps):
    """oneDNN's, ONNX Runtime's (unless ort is None) and PyTorch's log-softmax over ROWS x COLS (tools/bench/log_softmax)."""
    here = os.path.join(REPO, 'tools', 'bench', 'log_softmax')
    results = []
    with tempfile.TemporaryDirectory(prefix='actkit-log-softmax-') as tmp:
        onednn = os.path.join(tmp, 'onednn_log_softmax')
        built = subprocess.run(['g++', '-O2', '-std=c++17', '-o', onednn, os.path.join(here, 'onednn_log_softmax.cpp'), '-ldnnl'],
                               capture_output=True, text=True)
        if built.returncode == 0:
            results += run_json([onednn, str(rows), str(cols), str(reps)])
        else:
            print(f'warning: the oneDNN log-softmax harness did not build: {built.stderr.strip()[:200]}', file=sys.stderr)
        models = os.path.join(tmp, 'models')
        model = subprocess.run(['/usr/bin/python3', os.path.join(here, 'ort_model.py'), models], capture_output=True, text=True) if ort else None
        if model is None:
            pass
        elif model.returncode == 0:
            # The harness names its mode in the JSON line; the model it ran is LogSoftmax.
            results += [dict(r, fn='log_softmax') for r in run_json([ort, 'softmax', str(rows), str(cols), str(reps)],
                                                                    dict(ENV, ORT_ANCHOR_MODELS=models))]
        else:
            print(f'warning: the LogSoftmax model for ORT was not written (python3-onnx?): {model.stderr.strip()[-200:]}', file=sys.stderr)
    results += run_json(['/usr/bin/python3', os.path.join(here, 'torch_log_softmax.py'), str(rows), str(cols), str(reps)])
    return results


def fmt(v):
    return '–' if timing(v) is None else f'{v:.3f}'


def resolve_functions(actkit, names):
    """{name: kind} for the names given, each replaced by its catalog name (aliases are labelled by it in actkit's
    rows); stops before anything is timed on a name the catalog lacks or a spec with parameters."""
    p = subprocess.run(actkit + ['list', '--json'], capture_output=True, text=True)
    if p.returncode != 0:
        fail(f'`actkit list --json` failed: {p.stderr.strip()}')
    canonical, kinds = {}, {}
    for e in json.loads(p.stdout):
        kinds[e['name']] = e['kind']
        for n in [e['name'], *e.get('aliases', [])]:
            canonical[n] = e['name']
    resolved = {}
    for n in names:
        if '(' in n:
            fail(f'{n!r} has parameters; the anchors time each function at its defaults, so give the name alone '
                 f'(`actkit bench` times specs with parameters)')
        if n not in canonical:
            near = sorted(canonical, key=lambda c: _distance(n, c))[:3]
            fail(f'unknown function {n!r} (`actkit list` names them; nearest: {", ".join(near)})')
        resolved[canonical[n]] = kinds[canonical[n]]
    return resolved


def _distance(a, b):
    """Levenshtein distance, for the nearest names."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def anchor_programs(fns, bindir, torch_bench):
    """The anchor programs the functions need, as (what, path) for missing_anchors."""
    needed = []
    if any(fn in ONEDNN or fn == 'softmax' for fn in fns):
        needed.append(('the oneDNN anchor, built by ANCHORS/onednn/build.sh', os.path.join(bindir, 'onednn_bench')))
    if any(fn in ORT or fn in ('softmax', 'log_softmax') for fn in fns):
        needed.append(('the ONNX Runtime anchor, built by ANCHORS/onnxruntime/build.sh', os.path.join(bindir, 'ort', 'ort')))
    if any(fn in TORCH or fn in ('softmax', 'log_softmax') for fn in fns):
        needed.append(('the Python that runs the PyTorch anchor', '/usr/bin/python3'))
    return needed


def check_outputs(a):
    for option, path in (('--out', a.out), ('--jsonl', a.jsonl)):
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            fail(f'{option} {path}: the folder {os.path.dirname(os.path.abspath(path))} does not exist')


def main():
    ap = Parser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sizes', type=size_list, help='element counts for element-wise functions (default 4096,262144,16777216)')
    ap.add_argument('--shape', type=shape_list, help='ROWSxCOLS[,ROWSxCOLS...] for row-wise and gated functions (default 1024x1000)')
    ap.add_argument('--reps', type=positive_int, default=30)
    ap.add_argument('--isa', choices=['native', 'avx2'], default='native',
                    help='native (default): every implementation picks its widest path; avx2: all held to AVX2, ONNX Runtime not run')
    ap.add_argument('--functions', nargs='+', metavar='FN', help=f'default: {" ".join(DEFAULT_FNS)}')
    candidates = [os.environ.get('ACTKIT_ANCHORS', ''), os.path.join(REPO, '..', 'shared', 'anchors'),
                  os.path.join(REPO, '..', '..', 'shared', 'anchors')]
    ap.add_argument('--anchors-src', default=next((c for c in candidates if c and os.path.isdir(c)), candidates[1]),
                    help='the anchors folder (default: $ACTKIT_ANCHORS or ../shared/anchors next to the repository)')
    ap.add_argument('--anchors-bin', help='folder with prebuilt onednn_bench and ort/ort (skips the build)')
    ap.add_argument('--out', help='write the markdown table here')
    ap.add_argument('--jsonl', help='write every raw measurement here')
    ap.add_argument('--from-jsonl', nargs='+', metavar='FILE',
                    help='measure nothing: build the table from raw files of earlier runs, keeping the best (lowest) '
                         'time per cell over the runs (runs on a shared machine vary; every implementation gets the same rule)')
    a = ap.parse_args()
    check_outputs(a)

    if a.from_jsonl:
        if a.jsonl:
            fail('--jsonl writes the raw measurements of a run, and --from-jsonl runs nothing; leave one out')
        results = merge_best(a.from_jsonl)
        fns, sizes, shapes = from_files(a, results)
        print_table(a, results, fns, sizes, shapes, skip_empty=True)
        return

    if a.isa == 'avx2':
        ENV.update(AVX2_ENV)
    use_ort = a.isa == 'native'
    names = list(dict.fromkeys(a.functions or DEFAULT_FNS))
    sizes, shapes = a.sizes or DEFAULT_SIZES, a.shape or DEFAULT_SHAPES
    anchors_src = os.path.abspath(a.anchors_src)
    torch_bench = os.path.join(anchors_src, 'pytorch', 'bench.py')
    if a.anchors_bin:
        if not os.path.isdir(a.anchors_bin):
            fail(f'--anchors-bin {a.anchors_bin} is not a folder; give the folder that holds onednn_bench and ort/ort')
    else:
        scripts = [os.path.join(anchors_src, 'onednn', 'build.sh'), os.path.join(anchors_src, 'onnxruntime', 'build.sh')]
        if not all(os.path.isfile(s) for s in scripts):
            fail(f'{anchors_src} holds no anchor sources (onednn/build.sh, onnxruntime/build.sh); '
                 f'give --anchors-src, $ACTKIT_ANCHORS or prebuilt --anchors-bin')
    if any(fn in TORCH or fn in ('softmax', 'log_softmax') for fn in names) and not os.path.isfile(torch_bench):
        fail(f'{torch_bench} does not exist: the PyTorch anchor; give --anchors-src or $ACTKIT_ANCHORS')
    if a.anchors_bin and (problem := missing_anchors(anchor_programs(names, a.anchors_bin, torch_bench))):
        fail(f'--anchors-bin: {problem}')

    if subprocess.run(['dotnet', 'build', os.path.join(REPO, 'src', 'ActivationKit.Cli'), '-c', 'Release', '-v', 'quiet', '--nologo']).returncode != 0:
        fail('the Release build of src/ActivationKit.Cli failed (its errors are above)')
    actkit = ['dotnet', os.path.join(REPO, 'src', 'ActivationKit.Cli', 'bin', 'Release', 'net10.0', 'actkit.dll')]
    kinds = resolve_functions(actkit, names)
    fns = list(kinds)

    tmp = None
    try:
        if a.anchors_bin:
            bindir = a.anchors_bin
        else:
            tmp = tempfile.TemporaryDirectory(prefix='actkit-anchors-')
            bindir = tmp.name
            build_anchors(anchors_src, bindir)
        if problem := missing_anchors(anchor_programs(fns, bindir, torch_bench)):
            fail(problem)
        onednn, ort = os.path.join(bindir, 'onednn_bench'), os.path.join(bindir, 'ort', 'ort')

        # `actkit bench` refuses --sizes when every function named takes rows, and --shapes when none does.
        shaped = [fn for fn in fns if kinds[fn] in SHAPED]
        shape_args = ['--shapes', ','.join(f'{r}x{c}' for r, c in shapes)] if shaped else []
        size_args = ['--sizes', ','.join(map(str, sizes))] if len(shaped) < len(fns) else []
        bench = actkit + ['bench', *fns, *size_args, *shape_args, '--reps', str(a.reps), '--json']
        p = subprocess.run(bench, capture_output=True, text=True, env=ENV)
        if p.returncode != 0:
            fail(f'`actkit bench` failed (exit {p.returncode}), so nothing else was timed: {p.stderr.strip()}')
        results = [r for r in map(json_line, p.stdout.splitlines()) if r is not None]
        for fn in fns:
            if kinds[fn] in SHAPED:
                for rows, cols in shapes:
                    if fn == 'softmax':
                        results += run_json([onednn, 'softmax', str(rows), str(cols), str(a.reps)])
                        if use_ort: results += run_json([ort, 'softmax', str(rows), str(cols), str(a.reps)])
                        results += run_json(['/usr/bin/python3', torch_bench, 'softmax', str(rows), str(cols), str(a.reps)])
                    elif fn == 'log_softmax':
                        results += log_softmax_anchors(ort if use_ort else None, rows, cols, a.reps)
                continue
            name = ANCHOR_NAME.get(fn, fn)
            for n in sizes:
                timed = []
                if fn in ONEDNN: timed += run_json([onednn, 'time', name, str(n), str(a.reps)])
                if fn in ORT and use_ort: timed += run_json([ort, 'time', name, str(n), str(a.reps)])
                if fn in TORCH: timed += run_json(['/usr/bin/python3', torch_bench, 'time', name, str(n), str(a.reps)])
                results += [dict(r, fn=fn) for r in timed]
        if a.jsonl:
            with open(a.jsonl, 'w') as f:
                for r in results: f.write(json.dumps(r) + '\n')
        print_table(a, results, {fn: kinds[fn] in SHAPED for fn in fns}, sizes, shapes)
    finally:
        if tmp: tmp.cleanup()


def from_files(a, results):
    """Functions (name: timed over shapes?), sizes and shapes for a table of earlier runs: those of the command line
    where given, each of which the files must hold, else every one the files hold, in the order the run timed them."""
    shaped, sizes, shapes = {}, [], []
    for r in results:
        if 'rows' in r and 'cols' in r:
            if (r['rows'], r['cols']) not in shapes: shapes.append((r['rows'], r['cols']))
        elif isinstance(r.get('n'), int) and r['n'] not in sizes:
            sizes.append(r['n'])
        if r.get('fn'):
            shaped[r['fn']] = shaped.get(r['fn'], False) or 'rows' in r
    files = ' '.join(a.from_jsonl) + (' hold' if len(a.from_jsonl) > 1 else ' holds')
    if a.functions:
        for fn in a.functions:
            if fn not in shaped: fail(f'{files} no measurements of {fn}')
        shaped = {fn: shaped[fn] for fn in dict.fromkeys(a.functions)}
    if not shaped:
        fail(f'{files} no measurements of any function')
    if a.sizes:
        for n in a.sizes:
            if n not in sizes: fail(f'{files} no element-wise measurements at n = {n}')
        sizes = a.sizes
    if a.shape:
        for r, c in a.shape:
            if (r, c) not in shapes: fail(f'{files} no measurements at {r}x{c}')
        shapes = a.shape
    return shaped, sorted(sizes), shapes


def print_table(a, results, shaped, sizes, shapes, skip_empty=False):
    """shaped: function name → whether it is timed over ROWSxCOLS shapes (row-wise and gated) or element counts;
    skip_empty leaves out the lines with no time at all (files of earlier runs need not hold every combination)."""
    def value(r, key):
        if key in r: return timing(r[key])
        # The anchors' softmax lines give one time, ns_per_elem, for the direction in "dir" (forward when absent).
        return timing(r.get('ns_per_elem')) if r.get('dir', 'fwd') == key[:3] else None

    def get(impl, fn, at, key):
        for r in results:
            if r.get('impl') == impl and r.get('fn') == fn and at(r):
                return value(r, key)
        return None

    copy = {r['n']: timing(r.get('ns_per_elem')) for r in results if r.get('impl') == 'copy' and 'n' in r}
    lines = ['| function | n | ours fwd | ours bwd | oneDNN fwd | oneDNN bwd | PyTorch fwd | PyTorch bwd | ORT fwd | TP fwd | TP bwd | copy | best anchor fwd / ours | best anchor bwd / ours |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for fn, rows_of in shaped.items():
        # Row-wise lines are matched on their shape (the anchors' carry no n), element-wise ones on n.
        cells = ([(f'{r}×{c}', None, lambda e, r=r, c=c: e.get('rows') == r and e.get('cols') == c) for r, c in shapes] if rows_of
                 else [(str(n), n, lambda e, n=n: 'rows' not in e and e.get('n') == n) for n in sizes])
        for label, n, at in cells:
            ours = get('activationkit', fn, at, 'fwd_ns_per_elem')
            ours_b = get('activationkit', fn, at, 'bwd_ns_per_elem')
            anchors = [get(i, fn, at, 'fwd_ns_per_elem') for i in ('onednn', 'pytorch', 'onnxruntime')]
            anchors_b = [get(i, fn, at, 'bwd_ns_per_elem') for i in ('onednn', 'pytorch')]
            best = min([v for v in anchors if v is not None], default=None)
            best_b = min([v for v in anchors_b if v is not None], default=None)
            ratio = f'{best / ours:.2f}×' if best and ours else '–'
            ratio_b = f'{best_b / ours_b:.2f}×' if best_b and ours_b else '–'
            tp = [get('tensorprimitives', fn, at, k) for k in ('fwd_ns_per_elem', 'bwd_ns_per_elem')]
            if skip_empty and all(v is None for v in [ours, ours_b, *anchors, *anchors_b, *tp]):
                continue
            lines.append('| ' + ' | '.join([fn, label, fmt(ours), fmt(ours_b), fmt(anchors[0]), fmt(anchors_b[0]),
                                              fmt(anchors[1]), fmt(anchors_b[1]), fmt(anchors[2]),
                                              fmt(tp[0]), fmt(tp[1]), fmt(copy.get(n)), ratio, ratio_b]) + ' |')
    table = '\n'.join(lines) + '\n'
    print(table)
    if a.out:
        with open(a.out + '.tmp', 'w') as f: f.write(table)
        os.replace(a.out + '.tmp', a.out)


def merge_best(files):
    """The lowest usable time per (impl, fn, n, dtype, threads, rows, cols, dir) over the raw files of several runs;
    blank lines are skipped, anything else that is not a JSON object stops the script with its file and line."""
    best = {}
    for path in files:
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            fail(f'--from-jsonl {path}: {e.strerror}')
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            r = json_line(line)
            if r is None:
                fail(f'{path}:{number} is not a JSON object: {line.strip()[:80]!r}')
            key = tuple(r.get(k) for k in ('impl', 'fn', 'n', 'dtype', 'threads', 'rows', 'cols', 'dir'))
            times = {k: timing(v) for k, v in r.items() if k.endswith('ns_per_elem')}
            if key not in best:
                best[key] = dict(r, **times)
                continue
            for field, v in times.items():
                old = best[key].get(field)
                best[key][field] = v if old is None else old if v is None else min(old, v)
    return list(best.values())


if __name__ == '__main__':
    main()
