# SPDX-License-Identifier: GPL-3.0-or-later
"""What the plain-PyTorch peers of bench/compare_pytorch.sh share: Split Fashion-MNIST 5x2 read
from the IDX files, the pre-norm ViT block in timm's layout, OpenBLAS's thread count and the
matrix print-out (bench/pytorch_seq_ft.py, bench/pytorch_lora_cl.py)."""
import ctypes
import gzip
import os

import numpy as np
import torch
from torch import nn

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


def print_matrix(initial, matrix):
    print("\nAccuracy matrix (%): row = after training task i, column = test set of task j")
    print(" " * 11 + "".join(f"   T{j}  " for j in range(len(initial))))
    for label, row in [("init", initial)] + [(f"after T{i}", r) for i, r in enumerate(matrix)]:
        print(f"{label:<11}" + "".join(f"{100 * a:6.1f} " for a in row))
