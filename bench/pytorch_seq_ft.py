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
import json  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from peer_common import (NUM_CLASSES, TASKS, Block, blas_threads, load_split,  # noqa: E402
                         print_matrix)



# ---------------------------------------------------------------------------------------- model

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
