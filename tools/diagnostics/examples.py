"""Builds the worked examples of docs/diagnostics.md with PyTorch and dumps them for `actkit diagnose`.

Each example is a small network with one known problem (and its fixed twin, suffix -fixed). The script runs it on
a batch (after a few training steps where the problem shows up during training), records every Linear layer's
output (the pre-activation) and the activation's output with forward hooks, the weight gradients and the weights,
and writes one folder per example: .npy files plus the manifest.json that `actkit diagnose` reads.

    /usr/bin/python3 tools/diagnostics/examples.py OUT      (Debian: python3-torch python3-numpy)
    actkit diagnose OUT/dead-units
"""
import json
import math
import os
import sys

import numpy as np
import torch
from torch import nn
import torch.nn.functional as F

torch.set_num_threads(1)

ACTIVATIONS = {
    "relu": torch.relu,
    "leaky_relu(0.1)": lambda x: F.leaky_relu(x, 0.1),
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "linear": lambda x: x,
    # Gated: the Linear layer before it is twice as wide, [a | b] = its two halves, a·silu(b) as actkit's swiglu.
    "swiglu": lambda x: x.chunk(2, -1)[0] * F.silu(x.chunk(2, -1)[1]),
}

GATED = {"swiglu"}


class Net(nn.Module):
    """Dense layers, each followed by the named activation (the catalog spec `actkit` will be told).

    A gated activation's Linear layer outputs twice its units. norm=True puts a layer normalisation (without learned
    scale) in front of every Linear layer after the first, as transformers do.
    """

    def __init__(self, sizes, activations, norm=False):
        super().__init__()
        widths = [b * 2 if act in GATED else b for b, act in zip(sizes[1:], activations)]
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], widths))
        self.activations = activations
        self.norm = norm
        self.pre, self.post = [], []

    def forward(self, x):
        self.pre, self.post = [], []
        for i, (linear, act) in enumerate(zip(self.linears, self.activations)):
            if self.norm and i > 0:
                x = F.layer_norm(x, x.shape[-1:])
            z = linear(x)
            x = ACTIVATIONS[act](z)
            self.pre.append(z.detach().clone())
            self.post.append(x.detach().clone())
        return x


def spirals(n, seed):
    r = np.random.default_rng(seed)
    label = r.integers(0, 2, n)
    t = np.sqrt(r.random(n))
    angle = 3 * math.pi * t + label * math.pi
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], 1) + r.normal(0, 0.05, (n, 2))
    x = (x - x.mean(0)) / x.std(0)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(label)


def gaussian(n, features, classes, seed):
    r = np.random.default_rng(seed)
    return torch.tensor(r.normal(size=(n, features)), dtype=torch.float32), torch.tensor(r.integers(0, classes, n))


def sine(n, seed):
    r = np.random.default_rng(seed)
    x = r.uniform(-math.pi, math.pi, (n, 1))
    return torch.tensor(x, dtype=torch.float32), torch.tensor(np.sin(x), dtype=torch.float32)


def init(net, weights=None, bias=None):
    for i, linear in enumerate(net.linears):
        hidden = i < len(net.linears) - 1
        if weights is not None and hidden:
            weights(linear.weight)
        if bias is not None and hidden:
            nn.init.constant_(linear.bias, bias)


def dump(folder, net, x, y, loss="ce_logits", task="multiclass", steps=0, lr=0.01):
    loss_fn = nn.MSELoss() if task == "regression" else nn.CrossEntropyLoss()
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        loss_fn(net(x), y).backward()
        opt.step()
    opt.zero_grad()
    loss_fn(net(x), y).backward()
    os.makedirs(folder, exist_ok=True)
    layers = []
    for i, (linear, act) in enumerate(zip(net.linears, net.activations)):
        name = f"fc{i + 1}"
        np.save(os.path.join(folder, f"{name}_pre.npy"), net.pre[i].numpy())
        np.save(os.path.join(folder, f"{name}_post.npy"), net.post[i].numpy())
        np.save(os.path.join(folder, f"{name}_wgrad.npy"), linear.weight.grad.numpy())
        np.save(os.path.join(folder, f"{name}_w.npy"), linear.weight.detach().numpy())
        layers.append({"name": name, "activation": act, "pre": f"{name}_pre.npy", "post": f"{name}_post.npy",
                       "gradient": f"{name}_wgrad.npy", "weights": f"{name}_w.npy", "weightsLayout": "out_in"})
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump({"layers": layers, "task": task, "loss": loss}, f, indent=2)


def example(out, name, build, data, **kw):
    torch.manual_seed(1)
    net = build()
    x, y = data
    dump(os.path.join(out, name), net, x, y, **kw)


def main(out):
    sp = spirals(512, 1)
    g64 = gaussian(512, 64, 4, 2)
    sn = sine(512, 3)
    he = lambda w: nn.init.kaiming_normal_(w, nonlinearity="relu")
    leaky_he = lambda w: nn.init.kaiming_normal_(w, a=0.1, nonlinearity="leaky_relu")
    glorot = nn.init.xavier_uniform_
    std1 = lambda w: nn.init.normal_(w, 0, 1)

    def deep_relu(act="relu", bias=None, weights=he):
        net = Net([2] + [8] * 8 + [2], [act] * 8 + ["linear"])
        init(net, weights, bias)
        return net

    # Dead units: a large negative bias shift in a deep narrow ReLU stack. Fix: zero biases, leaky ReLU.
    example(out, "dead-units", lambda: deep_relu(bias=-3.0), sp)
    example(out, "dead-units-fixed", lambda: deep_relu(act="leaky_relu(0.1)", bias=0.0), sp)

    # Saturation: sigmoid with N(0, 1) weights on 64 standardised inputs. Fix: Glorot initialisation.
    def sat(weights):
        net = Net([64, 32, 32, 4], ["sigmoid", "sigmoid", "linear"])
        init(net, weights, 0.0)
        return net

    example(out, "saturation", lambda: sat(std1), g64)
    example(out, "saturation-fixed", lambda: sat(glorot), g64)

    # Vanishing gradients: 20 sigmoid layers, even with Glorot. Fix: leaky ReLU with He initialisation.
    def deep(act, weights):
        net = Net([64] + [32] * 20 + [4], [act] * 20 + ["linear"])
        init(net, weights, 0.0)
        return net

    example(out, "vanishing-gradients", lambda: deep("sigmoid", glorot), g64)
    example(out, "vanishing-gradients-fixed", lambda: deep("leaky_relu(0.1)", leaky_he), g64)

    # Exploding gradients: plain SGD with a learning rate far too high; dumped after 8 steps. Fix: lr 0.01.
    def regression():
        net = Net([1, 32, 32, 1], ["leaky_relu(0.1)", "leaky_relu(0.1)", "linear"])
        init(net, leaky_he, 0.0)
        return net

    example(out, "exploding-gradients", regression, sn, task="regression", loss="mse", steps=8, lr=1.0)
    example(out, "exploding-gradients-fixed", regression, sn, task="regression", loss="mse", steps=8, lr=0.01)

    # Exploding activations: a SwiGLU stack with PyTorch's ReLU gain (calculate_gain has no entry for SwiGLU), as
    # initialised: a·silu(b) squares the scale of its input at every layer (8 SGD steps at lr 0.01 overflow it to NaN).
    # Fix: a layer normalisation in front of each hidden Linear layer (the transformer's pre-norm).
    def gated(norm):
        net = Net([2] + [64] * 4 + [2], ["swiglu"] * 4 + ["linear"], norm)
        init(net, he, 0.0)
        return net

    example(out, "exploding-activations", lambda: gated(False), sp)
    example(out, "exploding-activations-fixed", lambda: gated(True), sp)

    # Symmetric initialisation: hidden weights all zero. Fix: Glorot.
    def sym(weights):
        net = Net([2, 16, 16, 2], ["tanh", "tanh", "linear"])
        init(net, weights, 0.0)
        return net

    example(out, "symmetric-init", lambda: sym(nn.init.zeros_), sp)
    example(out, "symmetric-init-fixed", lambda: sym(glorot), sp)

    # Initialisation scale: Glorot on a deep ReLU stack (each layer halves the signal variance). Fix: He.
    def scale(weights):
        net = Net([64] + [64] * 10 + [4], ["relu"] * 10 + ["linear"])
        init(net, weights, 0.0)
        return net

    example(out, "init-scale", lambda: scale(glorot), g64)
    example(out, "init-scale-fixed", lambda: scale(he), g64)

    # Output mismatch: ReLU on the logits of a classifier trained with cross-entropy. Fix: linear output.
    def output(act):
        net = Net([2, 32, 32, 2], ["relu", "relu", act])
        init(net, he, 0.0)
        return net

    example(out, "output-mismatch", lambda: output("relu"), sp)
    example(out, "output-mismatch-fixed", lambda: output("linear"), sp)

    # Collapse: tanh with weights 1000x too small; the output is the last bias whatever the input. Fix: Glorot.
    def tiny(weights):
        net = Net([64] + [64] * 6 + [4], ["tanh"] * 6 + ["linear"])
        init(net, weights)
        return net

    example(out, "collapse", lambda: tiny(lambda w: nn.init.normal_(w, 0, 1e-3)), g64)
    example(out, "collapse-fixed", lambda: tiny(glorot), g64)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: examples.py OUT")
    main(sys.argv[1])
