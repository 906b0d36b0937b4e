"""Helpers shared by the bench scripts (not part of the library: `tiny_onn` never imports from `bench/`).

A script run as `python bench/bench_x.py` has `bench/` on `sys.path`, so `from _common import ...` works there.

- `saved_tensor_bytes`: what autograd saves for backward (a deterministic CPU stand-in for peak memory);
- `stats`: min / median / max and the relative spread of repeated timings;
- `bench_args`: the options every script shares (`--quick`, `--repeats`, `--out`);
- `write_rows`: the result file (CSV, or JSON when the name ends in `.json`).
"""
from __future__ import annotations

import argparse, json, math, statistics
from pathlib import Path
from typing import Callable, Sequence

import torch
from torch import Tensor


def saved_tensor_bytes(fn: Callable[[], object], exclude: tuple[Tensor, ...] = ()) -> tuple[object, int]:
    """Run `fn()` and count the bytes autograd saves for backward (distinct storages, not counting
    `exclude`, e.g. the parameters): the activation memory a backward pass must hold, a deterministic
    CPU stand-in for peak-memory readings. Returns `(fn(), bytes)`."""
    skip = {t.untyped_storage().data_ptr() for t in exclude}
    seen: set[int] = set()
    total = 0

    def pack(t: Tensor) -> Tensor:
        nonlocal total
        s = t.untyped_storage()
        if s.data_ptr() not in skip and s.data_ptr() not in seen:
            seen.add(s.data_ptr())
            total += s.nbytes()
        return t

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda t: t):
        out = fn()
    return out, total


def stats(values: Sequence[float]) -> dict:
    "`min`, `median`, `max` of repeated measurements and `spread` = (max − min) / median (0 for one value)."
    if not values:
        raise ValueError("stats: no values")
    v = sorted(values)
    med = statistics.median(v)
    return dict(min=v[0], median=med, max=v[-1], spread=(v[-1] - v[0]) / med if med else math.nan, n=len(v))


def bench_args(doc: str, repeats: int = 3, out: str = "runs/bench/result.csv", quick_repeats: int = 2) -> argparse.ArgumentParser:
    "An argument parser with the options every bench script has."
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a tiny setting that runs in seconds (the notebook's test)")
    ap.add_argument("--repeats", type=int, default=None,
                    help=f"independent repeats of every measurement (default {repeats}; {quick_repeats} with --quick)")
    ap.add_argument("--out", default=out, help=f"result file, CSV (or JSON if it ends in .json); default {out}")
    ap.set_defaults(_repeats=(repeats, quick_repeats))
    return ap


def repeats_of(a: argparse.Namespace) -> int:
    r = a.repeats if a.repeats is not None else a._repeats[1 if a.quick else 0]
    if r < 1:
        raise SystemExit(f"--repeats must be >= 1, got {r}")
    return r


def write_rows(rows: list[dict], path: str | Path, meta: dict | None = None) -> Path:
    "Write `rows` to `path` (CSV; JSON `{meta, rows}` when it ends in .json); creates the folder. Returns the path."
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix == ".json":
        p.write_text(json.dumps(dict(meta=meta or {}, rows=rows), indent=1) + "\n")
    else:
        import pandas as pd
        pd.DataFrame(rows).to_csv(p, index=False)
    return p


def env_line() -> str:
    return f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)"
