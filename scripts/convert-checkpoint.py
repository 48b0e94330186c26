#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Converts a PyTorch checkpoint into a file CL Workbench reads (docs/backbones.md).

LibTorch 1.13 cannot read the OrderedDict that torch.save(model.state_dict()) writes, nor
torch's legacy (pre-1.6) format, nor whole pickled models. This script loads such a file with
Python's torch and writes its tensors as a plain dict:

    scripts/convert-checkpoint.py IN.pth OUT.safetensors   # needs the safetensors module
    scripts/convert-checkpoint.py IN.pth OUT.pt            # a plain-dict torch.save zip archive

Nested checkpoints ({"model": ...}, {"state_dict": ...}, {"model_state_dict": ...}) and
DataParallel's "module." prefix are unwrapped. Only tensors are kept; they are made contiguous
and copied to the CPU. Uses /usr/bin/python3 with Debian's python3-torch.
"""
import argparse
import sys

NESTED_KEYS = ("model", "state_dict", "model_state_dict", "module")


def tensor_dict(obj, torch):
    """The name -> tensor mapping inside `obj` (a state dict, a nested one, or a module)."""
    if isinstance(obj, torch.nn.Module):
        obj = obj.state_dict()
    if not isinstance(obj, dict):
        raise SystemExit(f"the file holds a {type(obj).__name__}, not a dict of tensors")
    tensors = {k: v for k, v in obj.items() if isinstance(k, str) and torch.is_tensor(v)}
    if not tensors:
        for key in NESTED_KEYS:
            if key in obj:
                print(f"using the tensors under {key!r}", file=sys.stderr)
                return tensor_dict(obj[key], torch)
        raise SystemExit("no tensors found (expected a state dict, or one under "
                         + ", ".join(repr(k) for k in NESTED_KEYS) + ")")
    if all(k.startswith("module.") for k in tensors):
        tensors = {k[len("module."):]: v for k, v in tensors.items()}
    return tensors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="a .pt / .pth / .bin checkpoint")
    parser.add_argument("output", help="OUT.safetensors or OUT.pt")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        raise SystemExit("this script needs PyTorch: apt-get install python3-torch")

    try:
        obj = torch.load(args.input, map_location="cpu", weights_only=True)
    except TypeError:  # torch < 1.13 has no weights_only
        obj = torch.load(args.input, map_location="cpu")
    except Exception as e:  # a whole pickled model needs the unrestricted loader
        print(f"weights-only load failed ({e.__class__.__name__}); loading the full pickle, which "
              "runs code from the file: only do this for files you trust", file=sys.stderr)
        obj = torch.load(args.input, map_location="cpu")
    tensors = {k: v.detach().cpu().contiguous() for k, v in tensor_dict(obj, torch).items()}
    # safetensors refuses tensors sharing memory; clones are cheap next to the file itself.
    tensors = {k: v.clone() for k, v in tensors.items()}

    if args.output.endswith(".safetensors"):
        try:
            from safetensors.torch import save_file
        except ImportError:
            raise SystemExit("writing .safetensors needs the safetensors module (pip install "
                             "safetensors); or name the output OUT.pt for a plain torch archive")
        save_file(tensors, args.output, metadata={"format": "pt"})
    else:
        torch.save(dict(tensors), args.output)  # a plain dict: LibTorch's pickle reader takes it
    print(f"{args.output}: {len(tensors)} tensors, "
          f"{sum(t.numel() for t in tensors.values()):,} values", file=sys.stderr)


if __name__ == "__main__":
    main()
