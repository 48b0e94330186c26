#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sequential fine-tuning on Split Fashion-MNIST 5x2, written the plain PyTorch way.

The reference side of bench/compare_pytorch.sh: the same experiment as bench/seq-ft-random.json
run by clwb-run. A pre-norm ViT (timm layout: conv patch embedding, cls token, learned position
embedding, blocks of LayerNorm -> attention / LayerNorm -> GELU MLP, final LayerNorm, mean of the
patch tokens, linear head) with dim 64, depth 4, 4 heads, 7x7 patches, randomly initialised;
1 epoch per task, batch 128, AdamW lr 1e-3 (no weight decay, as the config), plain cross-entropy
over all 10 classes, TensorDataset + DataLoader(shuffle=True). The accuracy matrix is evaluated
before training and after every task, class-incrementally: the argmax runs over the classes seen
so far (all 10 before training), on every task's test set.

Threads are torch's default unless --threads N (torch.set_num_threads). OpenBLAS reads
OPENBLAS_NUM_THREADS when it loads, so bench/compare_pytorch.sh sets that in the environment of
its thread sweep; the first line printed shows what both pools got.

Usage: pytorch_seq_ft.py [--limit N] [--test-limit N] [--threads N] [--seed N] [--json FILE]
"""
import time

START = time.perf_counter()  # wall time end to end: imports and data loading included

import argparse  # noqa: E402
import ctypes  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

DATA_DIR = os.environ.get("CLWB_FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
MEAN, STD = 0.2860, 0.3530
TASKS = [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
NUM_CLASSES = 10


# ---------------------------------------------------------------------------------------- model

class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        x = (attn @ v).transpose(1, 2).reshape(b, n, c)
        return self.proj(x)


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = Mlp(dim, dim * mlp_ratio)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, image_size=28, channels=1, patch_size=7, dim=64, depth=4, heads=4,
                 mlp_ratio=4, num_classes=NUM_CLASSES):
        super().__init__()
        num_patches = (image_size // patch_size) ** 2
        self.patch_embed = nn.Conv2d(channels, dim, kernel_size=patch_size, stride=patch_size)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, dim))
        nn.init.normal_(self.pos_embed, std=0.02)
        nn.init.normal_(self.cls_token, std=1e-6)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, num_classes)

    def forward(self, x):
        x = self.patch_embed(x).flatten(2).transpose(1, 2)  # [B, N, dim]
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)[:, 1:].mean(dim=1)  # mean of the patch tokens
        return self.head(x)


# ----------------------------------------------------------------------------------------- data

def read_idx(path):
    """An IDX file (.gz) as a numpy array: uint8 images [N, H, W] or labels [N]."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic = int.from_bytes(raw[0:4], "big")
    if magic == 2051:
        n, h, w = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
        return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, h, w)
    if magic == 2049:
        return np.frombuffer(raw, dtype=np.uint8, offset=8)
    raise ValueError(f"{path}: not an IDX file (magic {magic})")


def load_split(prefix, limit, rng):
    images = read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).sub_(MEAN).div_(STD).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    tasks = []
    for classes in TASKS:
        parts = []
        for c in classes:
            idx = np.flatnonzero(labels == c)
            if limit > 0 and len(idx) > limit:
                idx = np.sort(rng.choice(idx, size=limit, replace=False))
            parts.append(idx)
        idx = torch.from_numpy(np.concatenate(parts))
        tasks.append((x[idx], y[idx]))
    return tasks


def blas_threads():
    """OpenBLAS's thread count, from the library torch loaded (-1 if it is not OpenBLAS)."""
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.split()[-1]}
    for path in sorted(libs):
        try:
            return getattr(ctypes.CDLL(path), "openblas_get_num_threads")()
        except (OSError, AttributeError):
            continue
    return -1


# ---------------------------------------------------------------------------- train / evaluate

def train_task(model, x, y, args):
    loader = DataLoader(TensorDataset(x, y), batch_size=args.batch_size, shuffle=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    model.train()
    total, steps = 0.0, 0
    for _ in range(args.epochs):
        for xb, yb in loader:
            loss = F.cross_entropy(model(xb), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item()
            steps += 1
    return total / max(steps, 1)


@torch.no_grad()
def evaluate(model, test_sets, seen_classes):
    """Accuracy on every task's test set, predicting among `seen_classes` only."""
    model.eval()
    mask = torch.full((NUM_CLASSES,), float("-inf"))
    mask[seen_classes] = 0.0
    row = []
    for x, y in test_sets:
        correct = 0
        for xb, yb in DataLoader(TensorDataset(x, y), batch_size=1024):
            correct += ((model(xb) + mask).argmax(dim=1) == yb).sum().item()
        row.append(correct / len(y))
    return row


def print_matrix(initial, matrix):
    print("\nAccuracy matrix (%): row = after training task i, column = test set of task j")
    print(" " * 11 + "".join(f"   T{j}  " for j in range(len(initial))))
    for label, row in [("init", initial)] + [(f"after T{i}", r) for i, r in enumerate(matrix)]:
        print(f"{label:<11}" + "".join(f"{100 * a:6.1f} " for a in row))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="training images per class (0 = all)")
    parser.add_argument("--test-limit", type=int, default=0, help="test images per class (0 = all)")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch.set_num_threads (0 = torch's default, nothing called)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", metavar="FILE", help="write wall time and matrix as JSON")
    args = parser.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_sets = load_split("train", args.limit, rng)
    test_sets = load_split("t10k", args.test_limit, rng)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} OpenMP threads, OpenBLAS "
          f"{blas_threads()} threads; training images per "
          f"task: {' | '.join(str(len(y)) for _, y in train_sets)}", flush=True)

    model = ViT()
    initial = evaluate(model, test_sets, list(range(NUM_CLASSES)))
    matrix, seen = [], []
    for t, (x, y) in enumerate(train_sets):
        loss = train_task(model, x, y, args)
        seen += TASKS[t]
        matrix.append(evaluate(model, test_sets, seen))
        print(f"task {t}: mean loss {loss:.4f}, accuracy "
              + " ".join(f"{100 * a:.1f}" for a in matrix[-1]), flush=True)

    wall = time.perf_counter() - START
    final_avg = sum(matrix[-1]) / len(matrix[-1])
    print_matrix(initial, matrix)
    print(f"\nA_T (final avg acc) {final_avg:.3f}\nwall time {wall:.2f} s (end to end)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"wall_seconds": wall, "accuracy_matrix": matrix,
                       "initial_accuracy": initial, "final_average_accuracy": final_avg,
                       "torch": torch.__version__, "threads": torch.get_num_threads(),
                       "blas_threads": blas_threads(),
                       "limit": args.limit, "test_limit": args.test_limit}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
