"""Writes a one-node ONNX LogSoftmax model (or another row-wise operator, e.g. Hardmax; axis -1, float32 [ROWS, COLS])
as OUT_DIR/softmax.onnx.

The ONNX Runtime anchor (../shared/anchors/onnxruntime) times only Softmax: its `softmax ROWS COLS` mode opens
softmax.onnx from $ORT_ANCHOR_MODELS. Pointing that variable at OUT_DIR makes the same harness, unchanged, time
LogSoftmax (its JSON line still says "softmax"; side_by_side.py relabels it). Needs Debian's python3-onnx.
Usage: /usr/bin/python3 ort_model.py OUT_DIR [OPERATOR]   (OPERATOR: LogSoftmax, the default, or Hardmax)"""
import os
import sys

if sys.argv[1:] in (['-h'], ['--help']):
    print(__doc__)
    sys.exit(0)
if len(sys.argv) not in (2, 3):
    sys.exit('usage: /usr/bin/python3 ort_model.py OUT_DIR [OPERATOR]   (OPERATOR: LogSoftmax, the default, or Hardmax)')
out = sys.argv[1]
op = sys.argv[2] if len(sys.argv) > 2 else 'LogSoftmax'

from onnx import TensorProto, helper, save
os.makedirs(out, exist_ok=True)
shape = ['ROWS', 'COLS']
graph = helper.make_graph(
    [helper.make_node(op, ['X'], ['Y'], axis=-1)], op.lower(),
    [helper.make_tensor_value_info('X', TensorProto.FLOAT, shape)],
    [helper.make_tensor_value_info('Y', TensorProto.FLOAT, shape)])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='activationkit-log-softmax')
model.ir_version = 7  # the IR version of opset 13
save(model, os.path.join(out, 'softmax.onnx'))
