"""PyTorch's log-softmax over the rows of a ROWS x COLS float32 matrix, one thread, for the side-by-side table
(the anchors in ../shared/anchors time PyTorch's softmax only). Same protocol as those anchors: Normal(0, 3) inputs,
one warm-up call, then the best of REPS timed calls.
Usage: /usr/bin/python3 torch_log_softmax.py ROWS COLS [REPS]  ->  one JSON line with ns per element."""
import sys
import time

USAGE = 'usage: /usr/bin/python3 torch_log_softmax.py ROWS COLS [REPS]  (whole numbers of 1 or more; REPS 20 by default)'
if any(a in ('-h', '--help') for a in sys.argv[1:]):
    print(__doc__)
    sys.exit(0)
if len(sys.argv) not in (3, 4) or not all(a.isdigit() and int(a) > 0 for a in sys.argv[1:]):
    sys.exit(USAGE)
rows, cols = int(sys.argv[1]), int(sys.argv[2])
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 20

import torch

torch.set_num_threads(1)
x = torch.randn(rows, cols) * 3
torch.log_softmax(x, 1)
best = float('inf')
for _ in range(reps):
    start = time.perf_counter_ns()
    torch.log_softmax(x, 1)
    best = min(best, time.perf_counter_ns() - start)
print(f'{{"impl":"pytorch","fn":"log_softmax","rows":{rows},"cols":{cols},"ns_per_elem":{best / (rows * cols):.4f}}}')
