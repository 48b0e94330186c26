#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""ViT train step in plain PyTorch + timm: the peer of `bench_train_throughput --arch NAME`.

The reference side of bench/vit_train_step.sh. timm's model (default vit_small_patch16_224:
dim 384, depth 12, 6 heads, patch 16) with random weights and a `--classes` head, full
fine-tuning steps (forward, cross-entropy, backward, AdamW lr 1e-3 without weight decay, as the
C++ side) on 4 distinct random batches of B x 3 x S x S used in turn; `loss.item()` every step
(the engine's trainer reads the loss every step too). Warm-up steps are excluded and every
timed step is timed alone; prints the median and a `RESULT` line.

Threads: `--threads N` calls torch.set_num_threads(N) (0 = torch's default, nothing called).
OpenBLAS reads its thread count at load time, so the driver sets OPENBLAS_NUM_THREADS (and
OMP_NUM_THREADS) in the environment; the line printed at start shows what both pools got.

Run with /usr/bin/python3 (Debian's python3-torch 1.13): timm comes from the venv --venv
(default build/refvenv), which is created like tests/reference/vit_crosscheck.py does it
(--system-site-packages, timm installed with --no-deps) when missing; the script then re-runs
itself there.

Usage: pytorch_vit_step.py [--arch NAME] [--image-size N] [--classes N] [--batch N] [--steps N]
                           [--warmup N] [--threads N] [--lr X] [--weight-decay X] [--venv DIR]
"""
import argparse
import ctypes
import os
import statistics
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
from refvenv import ensure_venv  # noqa: E402  (the venv tests/reference/vit_crosscheck.py uses)


def blas_threads():
    """OpenBLAS's thread count, from the library torch loaded (-1 if it is not OpenBLAS)."""
    with open("/proc/self/maps") as f:
        libs = {line.split()[-1] for line in f if "blas" in line.split()[-1]}
    for path in sorted(libs):
        try:
            fn = getattr(ctypes.CDLL(path), "openblas_get_num_threads")
        except (OSError, AttributeError):
            continue
        return fn()
    return -1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--arch", default="vit_small_patch16_224", help="timm model name")
    parser.add_argument("--image-size", type=int, default=0, help="0 = the model's (224)")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=10, help="timed steps")
    parser.add_argument("--warmup", type=int, default=2, help="untimed warm-up steps")
    parser.add_argument("--threads", type=int, default=0,
                        help="torch.set_num_threads (0 = torch's default)")
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--venv", default=os.path.join(ROOT, "build", "refvenv"))
    args = parser.parse_args()
    ensure_venv(args.venv)

    import timm
    import torch
    import torch.nn.functional as F

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    kwargs = {"pretrained": False, "num_classes": args.classes}
    if args.image_size > 0:
        kwargs["img_size"] = args.image_size
    model = timm.create_model(args.arch, **kwargs)
    model.train()
    size = model.patch_embed.img_size[0]
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    xs = [torch.randn(args.batch, 3, size, size) for _ in range(4)]
    ys = [torch.randint(0, args.classes, (args.batch,)) for _ in range(4)]

    omp, blas = torch.get_num_threads(), blas_threads()
    params = sum(p.numel() for p in model.parameters())
    env = " ".join(f"{v}={os.environ[v]}" for v in
                   ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY")
                   if v in os.environ)
    print(f"pytorch_vit_step: torch {torch.__version__}, timm {timm.__version__}, {args.arch} "
          f"({params} params), batch {args.batch}x3x{size}x{size}, {args.classes} classes, "
          f"OpenMP threads {omp}, OpenBLAS threads {blas}{', env ' + env if env else ''}",
          flush=True)

    times, loss_value = [], 0.0
    for s in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        b = s % len(xs)
        loss = F.cross_entropy(model(xs[b]), ys[b])
        t1 = time.perf_counter()
        optimizer.zero_grad()
        loss.backward()
        t2 = time.perf_counter()
        optimizer.step()
        loss_value = loss.item()
        t3 = time.perf_counter()
        if s >= args.warmup:
            times.append(t3 - t0)
            if os.environ.get("CLWB_BENCH_PHASES"):  # where a step's time goes (issue 11)
                print(f"PHASES forward {t1 - t0:.3f} s, backward {t2 - t1:.3f} s, "
                      f"optimiser {t3 - t2:.3f} s", flush=True)
    median = statistics.median(times)
    print(f"median step {median:.3f} s ({args.batch / median:.2f} samples/s), mean "
          f"{statistics.mean(times):.3f} s, min {min(times):.3f} s over {args.steps} steps "
          f"after {args.warmup} warm-up; last loss {loss_value:.3f}")
    print(f"RESULT arch={args.arch} omp={omp} blas={blas} batch={args.batch} image_size={size} "
          f"median_step_s={median:.4f} mean_step_s={statistics.mean(times):.4f} "
          f"min_step_s={min(times):.4f} samples_per_s={args.batch / median:.3f}")


if __name__ == "__main__":
    main()
