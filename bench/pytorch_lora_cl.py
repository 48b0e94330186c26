#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Seq-LoRA, O-LoRA and LoRAC-IPC on Split Fashion-MNIST 5x2, written the plain PyTorch way.

The reference side of bench/compare_pytorch.sh for the LoRA experiments: the demo
(resources/demo.json, as `clwb-run --demo --set strategy=S`) run in ordinary PyTorch. The bundled
pretrained backbone resources/backbone.pt (a TorchScript archive) is read with torch.jit.load: its
architecture record (`__clwb_model__`: dim 64, depth 4, 4 heads, 7x7 patches, 28 px, one channel,
MLP ratio 4) and its weights go into a pre-norm ViT in timm's layout (conv patch embedding, class
token, learned position embedding, LayerNorm eps 1e-6, exact GELU, final LayerNorm, mean of the
patch tokens), inputs normalised with Fashion-MNIST's mean 0.2860 / std 0.3530. A new linear head
over the 10 classes (nn.Linear's default init, as clwb) sits on top. Classes [0,1], [2,3], ...,
[8,9], class-incremental; 2000 training / 500 test images per class, sampled per class with the
seed; 1 epoch per task, batch 128, TensorDataset + DataLoader(shuffle=True), a fresh
torch.optim.AdamW (lr 1e-3, weight decay 0) per task. The loss is plain cross-entropy over all 10
classes, because the demo's params set masked_ce = false and `--set strategy=S` keeps that;
--masked-ce 1 gives the strategies' own default (logits of other tasks' classes at -1e9).

Strategies (clwb's defaults, engine/src/strategies/):
  seq-lora   one LoRA (rank 8, alpha 16, A ~ U(+-1/sqrt(d_in)), B = 0) on qkv, proj, fc1 and fc2 of
             every block, trained across all tasks with the head; the backbone is frozen
             (--mode merge: a fresh LoRA per task merged into W after it).
  o-lora     a fresh LoRA per task (rank 8, alpha 32) on q and v (the first and last third of the
             fused qkv rows, each its own matrix); earlier tasks' LoRAs stay frozen in the sum.
             Loss + 0.5 * sum over matrices of sum |A_old A_t^T| + 0 * (|A_t| + |B_t|); the head
             and the new LoRAs are clipped to a global gradient norm of 1.
  lorac-ipc  per matrix (q, k, v, proj, fc1, fc2 of every block: 24) a pool of per-task LoRAs
             (rank 8, alpha 1, A ~ U(+-1/sqrt(rank)) as the official code's [d_in, r] layout,
             B = 0), old ones weighted by a learned omega (1 when its task ends); the layer builds
             its effective weight W0 + dW as the official cal_delta_w and keeps its gradient.
             Loss + 0.5 * sum over unfrozen matrices ||Q Q^T - I||_F, Q the old A's (detached)
             stacked on the new A. IPC: every step I = mean |W * dL/dW| per matrix, EMAs with
             beta 0.85, score I-bar * U-bar; after each task the top floor(0.05 * 24) = 1 scoring
             matrix is frozen for good (its new LoRAs off, its omegas fixed). Gradient clip 1.

The run does the work the demo's does around training: every 5 optimisation steps (and after
each task) the accuracy on a fixed subset of 200 test images of every task (an even spread, as
clwb's curve_per_task), predicting over the classes seen so far; the accuracy matrix over every
task's test set before training (all 10 classes) and after every task (classes seen so far); and
after each of those rows the backbone features of 24 test images per class (240) for the feature
drift view, projected to 2-D by PCA and aligned to the previous projection (clwb's
data.drift_per_class = 24). Left out as they cost no forward pass: the prediction gallery and the
confusion counts (clwb picks both out of the matrix's predictions) and the importance maps.

Threads are torch's default unless --threads N (torch.set_num_threads). OpenBLAS reads
OPENBLAS_NUM_THREADS when it loads; the first line printed shows what both pools got.

Usage: pytorch_lora_cl.py --strategy seq-lora|o-lora|lorac-ipc [--limit N] [--test-limit N]
       [--curve N] [--eval-every N] [--threads N] [--seed N] [--masked-ce 0|1] [--json FILE]
"""
import time

START = time.perf_counter()  # wall time end to end: imports and data loading included

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from peer_common import (NUM_CLASSES, TASKS, Block, blas_threads, load_split,  # noqa: E402
                         print_matrix)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKBONE = os.path.join(ROOT, "resources", "backbone.pt")
DRIFT_PER_CLASS = 24


# ---------------------------------------------------------------------------------------- model

class PatchEmbed(nn.Module):
    def __init__(self, channels, patch_size, dim):
        super().__init__()
        self.proj = nn.Conv2d(channels, dim, kernel_size=patch_size, stride=patch_size)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, N, dim]


class ViT(nn.Module):
    def __init__(self, image_size, channels, patch_size, dim, depth, heads, mlp_ratio,
                 num_classes):
        super().__init__()
        num_patches = (image_size // patch_size) ** 2
        self.patch_embed = PatchEmbed(channels, patch_size, dim)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, dim))
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, num_classes)

    def features(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        return self.norm(x)[:, 1:].mean(dim=1)  # mean of the patch tokens

    def forward(self, x):
        return self.head(self.features(x))


def load_pretrained(path):
    """The ViT described by the archive's architecture record, with its weights and a new head."""
    archive = torch.jit.load(path, map_location="cpu")
    state = {k: v.detach().clone() for k, v in archive.state_dict().items()}
    arch = json.loads(bytes(state.pop("__clwb_model__").tolist()).decode())
    assert arch.get("pool", "mean") == "mean", arch
    model = ViT(arch["image_size"], arch["channels"], arch["patch_size"], arch["dim"],
                arch["depth"], arch["heads"], arch["mlp_ratio"], NUM_CLASSES)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert set(missing) == {"head.weight", "head.bias"} and not unexpected, (missing, unexpected)
    return model


# ----------------------------------------------------------------------------------------- LoRA

class LoRA(nn.Module):
    """A low-rank update scale * B A of rows [row0, row0 + B.shape[0]) of a linear's weight."""

    def __init__(self, in_features, rows, row0, rank, alpha, rank_fan_in=False):
        super().__init__()
        self.A = nn.Parameter(torch.empty(rank, in_features))
        self.B = nn.Parameter(torch.zeros(rows, rank))
        # kaiming_uniform_(a=sqrt(5)): U(+-1/sqrt(fan_in)). peft's [r, d_in] A has fan-in d_in;
        # LoRAC's code draws its A in the [d_in, r] layout, fan-in r.
        bound = 1.0 / math.sqrt(rank if rank_fan_in else in_features)
        nn.init.uniform_(self.A, -bound, bound)
        self.row0 = row0
        self.scale = alpha / rank
        self.enabled = True
        self.register_parameter("omega", None)  # LoRAC's learned weight of an old LoRA

    def delta(self):
        d = self.scale * (self.B @ self.A)
        return d if self.omega is None else self.omega * d

    def freeze(self):
        self.A.requires_grad_(False)
        self.B.requires_grad_(False)


class LoRALinear(nn.Module):
    """A frozen nn.Linear with named LoRA adapters added to its output, the peft way."""

    def __init__(self, base):
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)
        self.lora = nn.ModuleDict()

    def add(self, name, rank, alpha, rows=None, row0=0):
        rows = self.base.out_features if rows is None else rows
        self.lora[name] = LoRA(self.base.in_features, rows, row0, rank, alpha)
        return self.lora[name]

    def merge(self, name):
        with torch.no_grad():
            ad = self.lora.pop(name)
            self.base.weight[ad.row0:ad.row0 + ad.B.shape[0]] += ad.delta()

    def forward(self, x):
        y = self.base(x)
        out = self.base.out_features
        for ad in self.lora.values():
            up = (x @ ad.A.t()) @ ad.B.t() * ad.scale
            rows = ad.B.shape[0]
            if rows != out:  # q or v of the fused qkv: zeros on the other rows
                up = F.pad(up, (ad.row0, out - ad.row0 - rows))
            y = y + up
        return y


class LoRACLinear(nn.Module):
    """A frozen nn.Linear whose row blocks (q, k, v of a fused qkv, else the whole matrix) each
    carry a pool of per-task LoRAs. The forward composes the effective weight W0 + dW per matrix,
    as the official cal_delta_w, and keeps it so IPC can read dL/dW after backward."""

    def __init__(self, base, units):
        super().__init__()
        self.base = base
        self.base.requires_grad_(False)
        self.units = units  # [(name, row0, rows)]
        self.pools = nn.ModuleDict({name: nn.ModuleList() for name, _, _ in units})
        self.effective = {}

    def weight_of(self, name, row0, rows):
        w = self.base.weight[row0:row0 + rows]
        for ad in self.pools[name]:
            if ad.enabled:
                w = w + ad.delta()
        return w

    def forward(self, x):
        weights = []
        for name, row0, rows in self.units:
            w = self.weight_of(name, row0, rows)
            if torch.is_grad_enabled():
                if w.requires_grad:
                    w.retain_grad()
                else:  # nothing trainable left in this matrix: a leaf, for its gradient only
                    w = w.detach().requires_grad_()
                self.effective[name] = w
            weights.append(w)
        weight = weights[0] if len(weights) == 1 else torch.cat(weights)
        return F.linear(x, weight, self.base.bias)


# ----------------------------------------------------------------------------------- strategies

def class_mask(classes):
    mask = torch.zeros(NUM_CLASSES, dtype=torch.bool)
    mask[classes] = True
    return mask


class Strategy:
    """Hooks around the one training loop below."""

    def __init__(self, model, args):
        self.model, self.args = model, args
        for p in model.parameters():
            p.requires_grad_(False)
        model.head.requires_grad_(True)

    def before_task(self, t):
        pass

    def trainable_parameters(self):
        return [p for p in self.model.parameters() if p.requires_grad]

    def penalty(self, t):
        return None

    def after_backward(self, t):
        pass

    def after_task(self, t):
        pass


class SeqLoRA(Strategy):
    def __init__(self, model, args):
        super().__init__(model, args)
        self.layers = []
        for block in model.blocks:
            block.attn.qkv = LoRALinear(block.attn.qkv)
            block.attn.proj = LoRALinear(block.attn.proj)
            block.mlp.fc1 = LoRALinear(block.mlp.fc1)
            block.mlp.fc2 = LoRALinear(block.mlp.fc2)
            self.layers += [block.attn.qkv, block.attn.proj, block.mlp.fc1, block.mlp.fc2]

    def before_task(self, t):
        self.name = f"t{t}" if self.args.mode == "merge" else "seq"
        for layer in self.layers:
            if self.name not in layer.lora:
                layer.add(self.name, rank=8, alpha=16)

    def after_task(self, t):
        if self.args.mode == "merge":
            for layer in self.layers:
                layer.merge(self.name)


class OLoRA(Strategy):
    LAMBDA1, LAMBDA2, CLIP = 0.5, 0.0, 1.0

    def __init__(self, model, args):
        super().__init__(model, args)
        self.sites = []  # (layer, unit name, first row): q and v of every block's fused qkv
        for block in model.blocks:
            block.attn.qkv = LoRALinear(block.attn.qkv)
            dim = block.attn.qkv.base.in_features
            self.sites += [(block.attn.qkv, "q", 0), (block.attn.qkv, "v", 2 * dim)]
        self.new = []

    def before_task(self, t):
        self.new = [(layer, layer.add(f"t{t}_{unit}", rank=8, alpha=32, rows=layer.base.in_features,
                                      row0=row0), unit)
                    for layer, unit, row0 in self.sites]

    def penalty(self, t):
        orth, l2 = 0.0, 0.0
        for layer, ad, unit in self.new:
            old = [layer.lora[f"t{i}_{unit}"].A for i in range(t)]
            if old:
                orth = orth + (torch.cat(old) @ ad.A.t()).abs().sum()
            l2 = l2 + ad.A.norm() + ad.B.norm()
        return self.LAMBDA1 * orth + self.LAMBDA2 * l2

    def after_backward(self, t):
        nn.utils.clip_grad_norm_(self.trainable_parameters(), self.CLIP)

    def after_task(self, t):
        for _, ad, _ in self.new:
            ad.freeze()


class LoRACIPC(Strategy):
    ORTHO, THRESHOLD, BETA1, BETA2, CLIP = 0.5, 0.05, 0.85, 0.85, 1.0

    def __init__(self, model, args):
        super().__init__(model, args)
        self.units = []  # one dict per adapted matrix, in layer order
        for i, block in enumerate(model.blocks):
            dim, hidden = block.attn.qkv.in_features, block.mlp.fc1.out_features
            qkv = [("q", 0, dim), ("k", dim, dim), ("v", 2 * dim, dim)]
            for parent, attr, units in [(block.attn, "qkv", qkv),
                                        (block.attn, "proj", [("proj", 0, dim)]),
                                        (block.mlp, "fc1", [("fc1", 0, hidden)]),
                                        (block.mlp, "fc2", [("fc2", 0, dim)])]:
                layer = LoRACLinear(getattr(parent, attr), units)
                setattr(parent, attr, layer)
                for name, _, _ in units:
                    self.units.append({"block": i, "name": name, "layer": layer, "frozen": False,
                                       "ipt": 0.0, "unc": 0.0})

    def pool(self, u):
        return u["layer"].pools[u["name"]]

    def before_task(self, t):
        for u in self.units:
            layer, name = u["layer"], u["name"]
            rows = next(r for n, _, r in layer.units if n == name)
            ad = LoRA(layer.base.in_features, rows, 0, rank=8, alpha=1, rank_fan_in=True)
            if u["frozen"]:  # M = 0: the new LoRA never contributes
                ad.enabled = False
                ad.freeze()
            self.pool(u).append(ad)

    def penalty(self, t):
        total = 0.0
        for u in self.units:
            if u["frozen"]:
                continue
            *old, new = self.pool(u)
            q = torch.cat([ad.A.detach() for ad in old if ad.enabled] + [new.A])
            total = total + (q @ q.t() - torch.eye(q.shape[0])).norm()
        return self.ORTHO * total

    @torch.no_grad()
    def after_backward(self, t):
        for u in self.units:  # IPC sensitivity of the effective matrix, EMAs as AdaLoRA
            w = u["layer"].effective[u["name"]]
            ipt = (w * w.grad).abs().mean().item()
            u["ipt"] = self.BETA1 * u["ipt"] + (1 - self.BETA1) * ipt
            u["unc"] = self.BETA2 * u["unc"] + (1 - self.BETA2) * abs(ipt - u["ipt"])
        nn.utils.clip_grad_norm_(self.trainable_parameters(), self.CLIP)

    def after_task(self, t):
        for u in self.units:
            new = self.pool(u)[-1]
            if new.enabled:
                new.freeze()
                new.omega = nn.Parameter(torch.ones(()), requires_grad=not u["frozen"])
        scores = [0.0 if u["frozen"] else u["ipt"] * u["unc"] for u in self.units]
        for u in self.units:
            u["ipt"] = u["unc"] = 0.0
        k = int(len(self.units) * self.THRESHOLD)
        if k > 0:
            kth = sorted(scores, reverse=True)[k - 1]
            frozen = [u for u, s in zip(self.units, scores) if s >= kth and s > 0]
            for u in frozen:
                u["frozen"] = True
                for ad in self.pool(u):
                    if ad.omega is not None:
                        ad.omega.requires_grad_(False)
            print(f"  IPC after task {t}: froze "
                  + " ".join(f"blocks.{u['block']}.{u['name']}" for u in frozen)
                  + f" ({sum(u['frozen'] for u in self.units)}/{len(self.units)} frozen)")


STRATEGIES = {"seq-lora": SeqLoRA, "o-lora": OLoRA, "lorac-ipc": LoRACIPC}


# ---------------------------------------------------------------------------- train / evaluate

@torch.no_grad()
def accuracy(model, x, y, seen, batch_size=1024):
    """Accuracy on (x, y), predicting among the classes `seen` only."""
    model.eval()
    mask = torch.full((NUM_CLASSES,), float("-inf"))
    mask[seen] = 0.0
    correct = 0
    for i in range(0, len(y), batch_size):
        correct += ((model(x[i:i + batch_size]) + mask).argmax(dim=1)
                    == y[i:i + batch_size]).sum().item()
    model.train()
    return correct / len(y)


class DriftView:
    """Backbone features of a fixed set of test images, 2-D by PCA, aligned to the last."""

    def __init__(self, test_sets, per_class, rng):
        xs = []
        for x, y in test_sets:
            for c in y.unique().tolist():
                idx = np.flatnonzero(y.numpy() == c)
                xs.append(x[np.sort(rng.choice(idx, size=min(per_class, len(idx)),
                                               replace=False))])
        self.x = torch.cat(xs)
        self.last = None

    @torch.no_grad()
    def update(self, model):
        model.eval()
        f = model.features(self.x).double()
        model.train()
        f = f - f.mean(0)
        p = f @ torch.linalg.svd(f, full_matrices=False).Vh[:2].t()
        if self.last is not None:  # orthogonal Procrustes onto the previous picture
            u, _, vh = torch.linalg.svd(p.t() @ self.last)
            p = p @ (u @ vh)
        self.last = p


def run(args):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_sets = load_split("train", args.limit, rng)
    test_sets = load_split("t10k", args.test_limit, rng)
    curve_sets = []  # an even spread over each task's test set (class by class)
    for x, y in test_sets:
        idx = torch.linspace(0, len(y) - 1, min(len(y), max(1, args.curve))).round().long()
        curve_sets.append((x[idx], y[idx]))
    drift = DriftView(test_sets, DRIFT_PER_CLASS, rng)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} OpenMP threads, OpenBLAS "
          f"{blas_threads()} threads; strategy {args.strategy}, masked CE {args.masked_ce}; "
          f"training images per task: {' | '.join(str(len(y)) for _, y in train_sets)}",
          flush=True)

    model = load_pretrained(BACKBONE)
    strategy = STRATEGIES[args.strategy](model, args)
    model.train()

    def curve(seen):  # the live accuracy curves
        return [accuracy(model, x, y, seen) for x, y in curve_sets]

    def row(seen):
        values = [accuracy(model, x, y, seen) for x, y in test_sets]
        drift.update(model)
        return values

    initial = row(list(range(NUM_CLASSES)))
    matrix, seen, step = [], [], 0
    for t, (x, y) in enumerate(train_sets):
        seen = seen + TASKS[t]
        mask = class_mask(TASKS[t]) if args.masked_ce else None
        strategy.before_task(t)
        optimizer = torch.optim.AdamW(strategy.trainable_parameters(), lr=args.lr,
                                      weight_decay=0.0)
        loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)
        total, steps = 0.0, 0
        for _ in range(args.epochs):
            for xb, yb in loader:
                logits = model(xb)
                if mask is not None:
                    logits = logits.masked_fill(~mask, -1e9)
                loss = F.cross_entropy(logits, yb)
                penalty = strategy.penalty(t)
                if penalty is not None:
                    loss = loss + penalty
                optimizer.zero_grad()
                loss.backward()
                strategy.after_backward(t)
                optimizer.step()
                total += loss.item()
                steps += 1
                step += 1
                if args.eval_every > 0 and step % args.eval_every == 0:
                    curve(seen)
        strategy.after_task(t)
        matrix.append(row(seen))
        curve(seen)
        print(f"task {t}: mean loss {total / max(steps, 1):.4f}, accuracy "
              + " ".join(f"{100 * a:.1f}" for a in matrix[-1]), flush=True)
    return initial, matrix


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--strategy", choices=sorted(STRATEGIES), required=True)
    parser.add_argument("--limit", type=int, default=2000, help="training images per class")
    parser.add_argument("--test-limit", type=int, default=500, help="test images per class")
    parser.add_argument("--curve", type=int, default=200,
                        help="test images per task of the live curves")
    parser.add_argument("--eval-every", type=int, default=5,
                        help="optimisation steps between live curve points (0 = task ends only)")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch.set_num_threads (0 = torch's default, nothing called)")
    parser.add_argument("--masked-ce", type=int, choices=(0, 1), default=0,
                        help="cross-entropy over the current task's classes only (the demo: 0)")
    parser.add_argument("--mode", choices=("continue", "merge"), default="continue",
                        help="seq-lora's variant")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", metavar="FILE", help="write wall time and matrix as JSON")
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    initial, matrix = run(args)

    wall = time.perf_counter() - START
    final_avg = sum(matrix[-1]) / len(matrix[-1])
    print_matrix(initial, matrix)
    print(f"\nA_T (final avg acc) {final_avg:.3f}\nwall time {wall:.2f} s (end to end)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"wall_seconds": wall, "accuracy_matrix": matrix,
                       "initial_accuracy": initial, "final_average_accuracy": final_avg,
                       "torch": torch.__version__, "threads": torch.get_num_threads(),
                       "blas_threads": blas_threads(), "strategy": args.strategy,
                       "masked_ce": bool(args.masked_ce),
                       "limit": args.limit, "test_limit": args.test_limit}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
