#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Reference features for the ViT cross-check (tests/engine/model/tst_vit_crosscheck.cpp).

Builds randomly initialised timm and torchvision Vision Transformers, writes each checkpoint with
the library's own writer (safetensors.torch.save_file for timm, torch.save for torchvision), and
saves a fixed input batch with the reference pre-head features, so the C++ ViT can be compared
with the real implementations. Also the same with a LoRA update merged into W, and timm's own
pos_embed resampling to another image size.

    /usr/bin/python3 tests/reference/vit_crosscheck.py --venv build/refvenv --out build/crosscheck

Run with /usr/bin/python3 (Debian's python3-torch / python3-torchvision); the script creates
the venv (--system-site-packages, so that torch is Debian's) and installs timm and safetensors
into it with --no-deps, then re-runs itself there. Outputs are reused while this script and the
installed versions are unchanged (manifest.json records a hash).
"""
import argparse
import hashlib
import json
import os
import sys

from refvenv import ensure_venv  # this folder: the venv with timm and safetensors

INPUT_SEED = 0


def perturb(model, torch, seed):
    """Random values in every parameter (default inits leave biases 0 and norms 1, which would
    hide a mis-mapped bias or norm)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=g)
            if name.endswith("gamma"):  # layer scale: clearly not 1
                p.copy_(0.5 + noise.abs())
            elif p.dim() == 1 or "norm" in name or "ln" in name:
                p.add_(0.1 * noise)
            else:
                p.add_(0.02 * noise)
    return model.eval()


def lora_factors(model, names, rank, torch, seed):
    """Random LoRA factors A [r, in], B [out, r] for the named linear layers."""
    g = torch.Generator().manual_seed(seed)
    factors = {}
    for name in names:
        w = dict(model.named_parameters())[name + ".weight"]
        factors[name] = (torch.randn(rank, w.shape[1], generator=g) * 0.05,
                         torch.randn(w.shape[0], rank, generator=g) * 0.05)
    return factors


def describe_archs(names, out, timm, torch):
    """timm's own view of the named architectures and of every pretrained tag of them."""
    import inspect
    import re
    from timm.models._registry import _model_pretrained_cfgs, _model_entrypoints
    archs, tags = {}, {}
    for name in names:
        # depth 1 keeps even ViT-H quick to build; the depth is read off the entrypoint's source.
        m = timm.create_model(name, pretrained=False, num_classes=0, depth=1)
        depth = re.search(r"depth=(\d+)", inspect.getsource(_model_entrypoints[name]))
        archs[name] = {
            "dim": m.embed_dim, "depth": int(depth.group(1)) if depth else -1,
            "heads": m.blocks[0].attn.num_heads, "patch": m.patch_embed.patch_size[0],
            "image_size": m.patch_embed.img_size[0], "class_token": m.cls_token is not None,
            "pool": {"token": "cls", "avg": "mean"}.get(m.global_pool, m.global_pool),
            "fc_norm": not isinstance(m.fc_norm, torch.nn.Identity),
            "layer_scale": not isinstance(m.blocks[0].ls1, torch.nn.Identity),
            "qkv_bias": m.blocks[0].attn.qkv.bias is not None,
        }
        for full, cfg in _model_pretrained_cfgs.items():
            if full.split(".")[0] == name:
                tags[full] = {"mean": list(cfg.mean), "std": list(cfg.std),
                              "image_size": cfg.input_size[1]}
    with open(os.path.join(out, "timm_archs.json"), "w") as f:
        json.dump({"archs": archs, "pretrained": tags}, f, indent=1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--venv", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--reuse", action="store_true", help="keep outputs that are up to date")
    parser.add_argument("--archs", default="", help="comma-separated timm names to describe "
                        "(knownArchitectures()), written to timm_archs.json")
    args = parser.parse_args()
    args.venv, args.out = os.path.abspath(args.venv), os.path.abspath(args.out)
    ensure_venv(args.venv)

    import safetensors
    import safetensors.torch as st
    import timm
    import torch
    import torchvision
    from torchvision.models.vision_transformer import VisionTransformer

    with open(__file__, "rb") as f:
        stamp = hashlib.sha256(f.read() + f"{timm.__version__} {torch.__version__} "
                               f"{torchvision.__version__} {safetensors.__version__} "
                               f"{args.archs}".encode()).hexdigest()
    manifest_path = os.path.join(args.out, "manifest.json")
    if args.reuse and os.path.exists(manifest_path):
        with open(manifest_path) as f:
            if json.load(f).get("stamp") == stamp:
                print("reference outputs up to date:", manifest_path)
                return
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    torch.manual_seed(INPUT_SEED)
    batch = {224: torch.randn(2, 3, 224, 224), 160: torch.randn(2, 3, 160, 160)}
    cases = []

    def record(name, checkpoint, model, arch, size, lora=None, extra=None):
        """Features of `model` on the batch, and with `lora` merged into a copy of the weights."""
        out = {"input": batch[size]}
        with torch.no_grad():
            out["features"] = model(batch[size]).float().contiguous()
            if lora:
                params = dict(model.named_parameters())
                saved = {n: params[n + ".weight"].clone() for n in lora}
                for n, (a, b) in lora.items():
                    params[n + ".weight"].add_(2.0 * (b @ a))  # scale alpha / rank = 8 / 4
                    out[f"lora.{n}.A"], out[f"lora.{n}.B"] = a.contiguous(), b.contiguous()
                out["features_lora"] = model(batch[size]).float().contiguous()
                for n, w in saved.items():
                    params[n + ".weight"].copy_(w)
        ref = os.path.join(args.out, name + ".reference.safetensors")
        st.save_file(out, ref)
        case = {"name": name, "checkpoint": checkpoint, "reference": ref, "arch": arch,
                "image_size": size, "dim": int(out["features"].shape[1]), "lora": sorted(lora or {})}
        case.update(extra or {})
        cases.append(case)
        print(f"{name}: {checkpoint} ({sum(p.numel() for p in model.parameters()):,} parameters)")

    def timm_case(name, arch, lora_names=(), size=224, **kwargs):
        model = perturb(timm.create_model(arch, pretrained=False, num_classes=0, **kwargs), torch, 1)
        path = os.path.join(args.out, name + ".safetensors")
        st.save_file({k: v.contiguous() for k, v in model.state_dict().items()}, path)
        lora = lora_factors(model, lora_names, 4, torch, 2) if lora_names else None
        record(name, path, model, arch if not kwargs else "", size, lora)
        return model, path

    blocks = lambda depth: [f"blocks.{i}.{m}" for i in range(depth) for m in ("attn.qkv", "mlp.fc1")]
    _, tiny_path = timm_case("timm_vit_tiny", "vit_tiny_patch16_224", blocks(12))
    timm_case("timm_vit_base", "vit_base_patch16_224", blocks(12))
    timm_case("timm_vit_tiny_gap_fcnorm", "vit_tiny_patch16_224", depth=4,
              class_token=False, global_pool="avg", fc_norm=True)
    timm_case("timm_vit_tiny_layerscale_noqkvbias", "vit_tiny_patch16_224", depth=4,
              init_values=1e-5, qkv_bias=False)

    # timm's own pos_embed resampling (checkpoint_filter_fn) when the image size changes.
    resized = timm.create_model("vit_tiny_patch16_224", pretrained=True, num_classes=0, img_size=160,
                                pretrained_cfg_overlay=dict(file=tiny_path, num_classes=0,
                                                            custom_load=False))
    record("timm_vit_tiny_at_160", tiny_path, resized.eval(), "vit_tiny_patch16_224", 160)

    # torchvision: vit_b_16's shape, saved as torchvision users do (a plain dict for LibTorch).
    tv = perturb(torchvision.models.vit_b_16(), torch, 3)
    tv.heads = torch.nn.Identity()  # the pre-head features: the class token after encoder.ln
    path = os.path.join(args.out, "torchvision_vit_b_16.pth")
    torch.save(dict(tv.state_dict()), path)
    record("torchvision_vit_b_16", path, tv, "", 224,
           lora_factors(tv, ["encoder.layers.encoder_layer_0.mlp.0"], 4, torch, 4),
           {"lora_timm": {"encoder.layers.encoder_layer_0.mlp.0": "blocks.0.mlp.fc1"}})

    # A small torchvision model as torch.save(model.state_dict()) writes it: an OrderedDict, which
    # LibTorch 1.13 cannot read; the test expects the conversion hint, then converts it.
    small = perturb(VisionTransformer(image_size=224, patch_size=16, num_layers=2, num_heads=3,
                                      hidden_dim=192, mlp_dim=768), torch, 5)
    small.heads = torch.nn.Identity()
    path = os.path.join(args.out, "torchvision_small_ordereddict.pth")
    torch.save(small.state_dict(), path)
    record("torchvision_small_ordereddict", path, small, "", 224, None, {"ordered_dict": True})

    describe_archs(args.archs.split(",") if args.archs else [], args.out, timm, torch)
    with open(manifest_path, "w") as f:
        json.dump({"stamp": stamp, "timm": timm.__version__, "torch": torch.__version__,
                   "torchvision": torchvision.__version__, "cases": cases}, f, indent=1)
    print("wrote", manifest_path)


if __name__ == "__main__":
    main()
