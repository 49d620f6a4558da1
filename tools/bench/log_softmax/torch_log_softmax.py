"""PyTorch's log-softmax over the rows of a ROWS x COLS float32 matrix, one thread, for the side-by-side table
(the anchors in ../shared/anchors time PyTorch's softmax only). Same protocol as those anchors: Normal(0, 3) inputs,
one warm-up call, then the best of REPS timed calls.
Usage: /usr/bin/python3 torch_log_softmax.py ROWS COLS [REPS]  ->  one JSON line with ns per element."""
import sys
import time

import torch

torch.set_num_threads(1)
rows, cols = int(sys.argv[1]), int(sys.argv[2])
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
if rows <= 0 or cols <= 0 or reps <= 0:
    sys.exit('ROWS, COLS and REPS must be positive')
x = torch.randn(rows, cols) * 3
torch.log_softmax(x, 1)
best = float('inf')
for _ in range(reps):
    start = time.perf_counter_ns()
    torch.log_softmax(x, 1)
    best = min(best, time.perf_counter_ns() - start)
print(f'{{"impl":"pytorch","fn":"log_softmax","rows":{rows},"cols":{cols},"ns_per_elem":{best / (rows * cols):.4f}}}')
