"""What the scripts in tools/bench share: argument types that refuse bad values in one sentence, the check that the
prebuilt anchors are there before anything is measured, a reader for the anchors' JSON lines, a runner that ends
the script with one line when a program it needs is missing or fails, the best-per-cell table and alternating rounds
of the anchor scripts, and their PyTorch timing lines.

Not a script: side_by_side.py, alternate.py, op_counts.py, beta_anchors.py and gated_anchors.py import it (Python puts
their folder on the path).
"""
import argparse
import json
import math
import os
import random
import re
import shlex
import subprocess
import sys


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose refusals are one line on stderr (exit 2), with no usage block above them."""

    def error(self, message):
        self.exit(2, f'{self.prog}: {message} (--help lists the options)\n')


def positive_int(text):
    """argparse type: a whole number of 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f'takes a whole number of 1 or more, got {text!r}')
    return value


def size_list(text):
    """argparse type: comma-separated element counts, each 1 or more, none repeated (4096,262144)."""
    parts = [p.strip() for p in text.split(',')]
    sizes = []
    for p in parts:
        if not p.isdigit() or int(p) < 1:
            raise argparse.ArgumentTypeError(f'takes comma-separated element counts of 1 or more, e.g. 4096,262144, got {text!r}')
        if int(p) in sizes:
            raise argparse.ArgumentTypeError(f'lists {int(p)} twice, in {text!r}; give each element count once')
        sizes.append(int(p))
    return sizes


def shape_list(text):
    """argparse type: comma-separated ROWSxCOLS shapes, both dimensions 1 or more (1024x1000,16384x10)."""
    shapes = []
    for p in (p.strip() for p in text.split(',')):
        m = re.fullmatch(r'(\d+)x(\d+)', p)
        if not m or int(m.group(1)) < 1 or int(m.group(2)) < 1:
            raise argparse.ArgumentTypeError(f'takes ROWSxCOLS shapes with both dimensions 1 or more, e.g. 1024x1000, got {p!r}')
        shape = (int(m.group(1)), int(m.group(2)))
        if shape in shapes:
            raise argparse.ArgumentTypeError(f'lists {p} twice; give each shape once')
        shapes.append(shape)
    return shapes


def missing_anchors(paths):
    """The problem with a list of (what, path) programs that must exist and be executable, or None."""
    for what, path in paths:
        if not os.path.isfile(path):
            return f'{path} does not exist: {what}'
        if not os.access(path, os.X_OK):
            return f'{path} is not executable: {what}'
    return None


# Non-finite values as C's printf (inf, nan), .NET (Infinity, ∞, NaN) and Python (inf, nan) print them.
_NON_FINITE = re.compile(r'(?<=[:\[,])\s*[-+]?(?:inf(?:inity)?|nan|∞)\s*(?=[,}\]])', re.IGNORECASE)


def json_line(line):
    """The object on one line of an anchor's or actkit's output, with non-finite numbers read as null (so a timing
    that overflowed is absent, not a crash); None for a line that is not a JSON object."""
    line = line.strip()
    if not line.startswith('{'):
        return None
    try:
        value = json.loads(_NON_FINITE.sub('null', line))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def timing(v):
    """v if it is a usable time (a finite number above 0), else None: PyTorch's backward is (forward + gradient) −
    forward, which can come out at or below 0 for small n."""
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v > 0 else None


def run_tool(command, script, needs):
    """The command's standard output; a missing program or a failure ends `script` with one line saying which (`needs`
    names what the script needs installed)."""
    try:
        return subprocess.run(command, check=True, capture_output=True, text=True).stdout
    except FileNotFoundError:
        sys.exit(f'{script}: {command[0]} is not installed ({needs}).')
    except subprocess.CalledProcessError as e:
        last = (e.stderr or '').strip().splitlines()[-1:] or ['no message']
        sys.exit(f'{script}: {shlex.join(command[:3])} … failed with exit code {e.returncode}: {last[0]}')


def json_lines(command, script, needs):
    """The JSON objects on the lines of the command's output that hold one (see run_tool)."""
    return [v for v in (json_line(l) for l in run_tool(command, script, needs).splitlines()) if v is not None]


class Tools:
    """run_tool and json_lines bound to one script's name and what it needs installed."""

    def __init__(self, script, needs):
        self.script, self.needs = script, needs

    def run(self, command):
        return run_tool(command, self.script, self.needs)

    def lines(self, command):
        return json_lines(command, self.script, self.needs)


class BestCells:
    """The best (least) usable forward and backward time per (impl, fn) over repeated runs."""

    KEYS = ('fwd_ns_per_elem', 'bwd_ns_per_elem')

    def __init__(self):
        self.cells = {}

    def keep(self, impl, fn, row):
        for key in self.KEYS:
            # PyTorch's backward is (forward + gradient) − forward, which few repetitions can leave at or below 0.
            v = timing(row.get(key))
            if v is not None:
                cell = (impl, fn, key)
                self.cells[cell] = min(self.cells.get(cell, float('inf')), v)

    def get(self, impl, fn, key):
        return self.cells.get((impl, fn, key))

    def text(self, impl, fn, key):
        v = self.get(impl, fn, key)
        return '–' if v is None else f'{v:.3f}'


def in_alternating_rounds(jobs, rounds):
    """Runs every job of the dict once per round, in a random order each round, reporting each round on stderr."""
    for r in range(rounds):
        order = list(jobs)
        random.shuffle(order)
        for name in order:
            jobs[name]()
        print(f'round {r + 1} of {rounds} done', file=sys.stderr)


# The PyTorch side of the anchor scripts (run with /usr/bin/python3 -c TORCH_TIMING + the script's own lines): one
# thread, Normal(0, 3) inputs and Normal(0, 1) gradients, the best of `reps` calls after three warm-up calls; the
# backward is forward plus gradient less forward, as the shared PyTorch harness times it. time_pytorch prints one JSON
# line per function, in ns per element of x.
TORCH_TIMING = r'''
import sys, time, torch
import torch.nn.functional as F
torch.set_num_threads(1)
def best(f, reps):
    for _ in range(3): f()
    b = 1e300
    for _ in range(reps):
        t0 = time.perf_counter_ns(); f(); b = min(b, time.perf_counter_ns() - t0)
    return b
def time_pytorch(fns, shape, dy_shape, reps):
    n = 1
    for d in shape: n *= d
    for name, f in fns.items():
        x = torch.randn(*shape) * 3
        tf = best(lambda: f(x), reps)
        xg = (torch.randn(*shape) * 3).requires_grad_(True); dy = torch.randn(*dy_shape)
        def fb():
            o = f(xg); torch.autograd.grad(o, xg, dy)
        tb = best(fb, reps) - tf
        print('{"impl":"pytorch","fn":"%s","fwd_ns_per_elem":%.4f,"bwd_ns_per_elem":%.4f}' % (name, tf / n, tb / n))
'''
