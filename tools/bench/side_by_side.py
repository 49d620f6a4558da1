#!/usr/bin/env python3
"""Side-by-side kernel timings: ActivationKit (`actkit bench`, which also times TensorPrimitives and a copy),
oneDNN, PyTorch and ONNX Runtime, in one run on one machine; prints a markdown table (and writes it with --out).

  tools/bench/side_by_side.py [--sizes 4096,262144,16777216] [--reps 30] [--functions sigmoid tanh ...]
                              [--anchors-src ../shared/anchors] [--anchors-bin DIR] [--out table.md] [--jsonl raw.jsonl]

The anchors are built from their sources (see ANCHORS/README.md) into a temporary folder unless --anchors-bin
names a folder that already holds onednn_bench and ort/ort. Everything runs on one thread (OMP_NUM_THREADS=1).
The anchors time softmax only; log_softmax's anchors come from tools/bench/log_softmax: a oneDNN harness of our own
(softmax_v2 with softmax_log, built here with g++ against libdnnl-dev), PyTorch's torch.log_softmax, and the ORT
anchor, unchanged, pointed at a one-node LogSoftmax model through $ORT_ANCHOR_MODELS.
"""
import argparse, json, os, subprocess, sys, tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DEFAULT_FNS = ['sigmoid', 'tanh', 'gelu', 'gelu_tanh', 'silu', 'mish', 'softplus', 'elu', 'selu', 'logsigmoid',
               'hardswish', 'relu', 'leaky_relu', 'relu6', 'hardtanh', 'hardsigmoid', 'softmax', 'log_softmax']
ONEDNN = {'relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid', 'softplus', 'gelu', 'gelu_tanh', 'silu', 'mish',
          'hardswish', 'logsigmoid', 'relu6', 'hardtanh'}
TORCH = {'relu', 'leaky_relu', 'elu', 'selu', 'sigmoid', 'tanh', 'silu', 'softplus', 'gelu', 'gelu_tanh', 'mish',
         'hardswish', 'logsigmoid'}
ORT = {'relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid', 'softplus', 'gelu', 'gelu_tanh', 'silu', 'mish', 'hardswish',
       'logsigmoid', 'selu', 'hardsigmoid'}
ENV = dict(os.environ, OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')


def run_json(cmd):
    """Runs cmd, returns the JSON objects it printed (one per line); a failing anchor yields nothing."""
    p = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    if p.returncode != 0:
        print(f'warning: {" ".join(cmd)} failed: {p.stderr.strip()[:200]}', file=sys.stderr)
    return [json.loads(l) for l in p.stdout.splitlines() if l.startswith('{')]


def build_anchors(src, out):
    subprocess.run(['bash', os.path.join(src, 'onednn', 'build.sh'), os.path.join(out, 'onednn_bench')], check=True, env=ENV)
    subprocess.run(['bash', os.path.join(src, 'onnxruntime', 'build.sh'), os.path.join(out, 'ort')], check=True, env=ENV)


def log_softmax_anchors(ort, rows, cols, reps):
    """oneDNN's, ONNX Runtime's and PyTorch's log-softmax over ROWS x COLS (tools/bench/log_softmax)."""
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
        subprocess.run(['/usr/bin/python3', os.path.join(here, 'ort_model.py'), models], check=True)
        env = dict(ENV, ORT_ANCHOR_MODELS=models)
        p = subprocess.run([ort, 'softmax', str(rows), str(cols), str(reps)], capture_output=True, text=True, env=env)
        # The harness names its mode in the JSON line; the model it ran is LogSoftmax.
        results += [dict(json.loads(l), fn='log_softmax') for l in p.stdout.splitlines() if l.startswith('{')]
    results += run_json(['/usr/bin/python3', os.path.join(here, 'torch_log_softmax.py'), str(rows), str(cols), str(reps)])
    return results


def fmt(v):
    return '–' if v is None or v < 0 else f'{v:.3f}'


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--sizes', default='4096,262144,16777216')
    ap.add_argument('--shape', default='1024x1000', help='ROWSxCOLS for softmax / log_softmax')
    ap.add_argument('--reps', type=int, default=30)
    ap.add_argument('--functions', nargs='*', default=DEFAULT_FNS)
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
    sizes = [int(s) for s in a.sizes.split(',')]
    rows, cols = (int(v) for v in a.shape.split('x'))

    tmp = None
    if a.from_jsonl:
        results = merge_best(a.from_jsonl)
        print_table(a, results, sizes, rows, cols)
        return
    if a.anchors_bin:
        bindir = a.anchors_bin
    else:
        tmp = tempfile.TemporaryDirectory(prefix='actkit-anchors-')
        bindir = tmp.name
        build_anchors(os.path.abspath(a.anchors_src), bindir)
    onednn, ort = os.path.join(bindir, 'onednn_bench'), os.path.join(bindir, 'ort', 'ort')
    torch_bench = os.path.join(os.path.abspath(a.anchors_src), 'pytorch', 'bench.py')

    subprocess.run(['dotnet', 'build', os.path.join(REPO, 'src', 'ActivationKit.Cli'), '-c', 'Release', '-v', 'quiet', '--nologo'], check=True)
    actkit = ['dotnet', os.path.join(REPO, 'src', 'ActivationKit.Cli', 'bin', 'Release', 'net10.0', 'actkit.dll')]
    # `actkit bench` refuses --sizes when every function named takes rows, and --shapes when none does.
    rowwise = [fn for fn in a.functions if fn in ('softmax', 'log_softmax')]
    shape_args = ['--shapes', a.shape] if rowwise else []
    size_args = ['--sizes', a.sizes] if len(rowwise) < len(a.functions) else []
    results = run_json(actkit + ['bench', *a.functions, *size_args, *shape_args, '--reps', str(a.reps), '--json'])
    for fn in a.functions:
        if fn in ('softmax', 'log_softmax'):
            if fn == 'softmax':
                results += run_json([onednn, 'softmax', str(rows), str(cols), str(a.reps)])
                results += run_json([ort, 'softmax', str(rows), str(cols), str(a.reps)])
                results += run_json(['/usr/bin/python3', torch_bench, 'softmax', str(rows), str(cols), str(a.reps)])
            else:
                results += log_softmax_anchors(ort, rows, cols, a.reps)
            continue
        for n in sizes:
            if fn in ONEDNN: results += run_json([onednn, 'time', fn, str(n), str(a.reps)])
            if fn in ORT: results += run_json([ort, 'time', fn, str(n), str(a.reps)])
            if fn in TORCH: results += run_json(['/usr/bin/python3', torch_bench, 'time', fn, str(n), str(a.reps)])
    if a.jsonl:
        with open(a.jsonl, 'w') as f:
            for r in results: f.write(json.dumps(r) + '\n')

    print_table(a, results, sizes, rows, cols)
    if tmp: tmp.cleanup()


def print_table(a, results, sizes, rows, cols):
    def get(impl, fn, n, key):
        for r in results:
            if r.get('impl') == impl and r.get('fn', None) == fn and r.get('n', rows * cols if fn and 'softmax' in fn else None) == n:
                v = r.get(key, r.get('ns_per_elem') if key == 'fwd_ns_per_elem' else None)
                return v
        return None

    copy = {r['n']: r['ns_per_elem'] for r in results if r.get('impl') == 'copy'}
    lines = ['| function | n | ours fwd | ours bwd | oneDNN fwd | oneDNN bwd | PyTorch fwd | PyTorch bwd | ORT fwd | TP fwd | TP bwd | copy | best anchor fwd / ours | best anchor bwd / ours |',
             '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|']
    for fn in a.functions:
        for n in ([rows * cols] if 'softmax' in fn else sizes):
            ours = get('activationkit', fn, n, 'fwd_ns_per_elem')
            anchors = [get(i, fn, n, 'fwd_ns_per_elem') for i in ('onednn', 'pytorch', 'onnxruntime')]
            best = min([v for v in anchors if v is not None and v > 0], default=None)
            ratio = f'{best / ours:.2f}×' if best and ours else '–'
            ours_b = get('activationkit', fn, n, 'bwd_ns_per_elem')
            best_b = min([v for v in (get('onednn', fn, n, 'bwd_ns_per_elem'), get('pytorch', fn, n, 'bwd_ns_per_elem')) if v is not None and v > 0], default=None)
            ratio_b = f'{best_b / ours_b:.2f}×' if best_b and ours_b else '–'
            label = f'{rows}×{cols}' if 'softmax' in fn else str(n)
            lines.append('| ' + ' | '.join([fn, label, fmt(ours), fmt(get('activationkit', fn, n, 'bwd_ns_per_elem')),
                                              fmt(anchors[0]), fmt(get('onednn', fn, n, 'bwd_ns_per_elem')),
                                              fmt(anchors[1]), fmt(get('pytorch', fn, n, 'bwd_ns_per_elem')),
                                              fmt(anchors[2]), fmt(get('tensorprimitives', fn, n, 'fwd_ns_per_elem')),
                                              fmt(get('tensorprimitives', fn, n, 'bwd_ns_per_elem')),
                                              fmt(None if 'softmax' in fn else copy.get(n)), ratio, ratio_b]) + ' |')
    table = '\n'.join(lines) + '\n'
    print(table)
    if a.out:
        with open(a.out + '.tmp', 'w') as f: f.write(table)
        os.replace(a.out + '.tmp', a.out)


def merge_best(files):
    """The lowest time per (impl, fn, n, dtype, threads, rows, cols) over the raw files of several runs."""
    best = {}
    for path in files:
        with open(path) as f:
            for line in f:
                r = json.loads(line)
                key = tuple(r.get(k) for k in ('impl', 'fn', 'n', 'dtype', 'threads', 'rows', 'cols', 'dir'))
                if key not in best:
                    best[key] = dict(r)
                    continue
                for field, v in r.items():
                    if field.endswith('ns_per_elem') and isinstance(v, (int, float)):
                        old = best[key].get(field)
                        best[key][field] = v if old is None else min(old, v)
    return list(best.values())


if __name__ == '__main__':
    main()
