#!/usr/bin/env python
"""Forward+backward time and saved-for-backward memory of `NSAttention` against dense `CausalSelfAttention` (SDPA,
whatever kernel torch picks: on CPU a flash kernel that saves O(T)) on the same input, side by side, per length.

Per length and repeat, both layers are timed one after the other (`torch.utils.benchmark` `blocked_autorange`, its
median) and their ratio taken; `--repeats` such pairs give the median ratio and its min/max and spread
((max − min) / median). Saved bytes are counted once (deterministic): NSA, dense as torch runs it, and dense with
the math kernel (T×T scores materialised). Keys read per query: `T/block + topk·block + window` vs `T`.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_nsa.py [--lengths 512 1024 2048 4096 8192] [--out runs/bench/nsa.csv]
    .venv/bin/python bench/bench_nsa.py --quick --out /tmp/nsa.csv       # seconds: the notebook's test (25_nsa)

Prints a table and writes one CSV row per length; nothing is asserted here.
"""
from __future__ import annotations

import sys

import pandas as pd
import torch
from torch.utils import benchmark

from _common import bench_args, env_line, repeats_of, saved_tensor_bytes, stats, write_rows
from tiny_onn.layers.attention import CausalSelfAttention
from tiny_onn.layers.nsa import NSAttention


def bench_nsa(lengths: tuple[int, ...] = (256, 512), d_model: int = 64, n_heads: int = 4, batch: int = 1,
              block_size: int = 16, topk: int = 4, window: int = 64, min_run_time: float = 0.3, seed: int = 0,
              repeats: int = 3) -> list[dict]:
    """One row per length: fwd+bwd ms of full and NSA (median over `repeats` of blocked_autorange medians), the NSA/full
    time ratio (median of the per-repeat ratios, with min/max/spread), saved-for-backward MB and keys per query."""
    from torch.nn.attention import SDPBackend, sdpa_kernel
    torch.manual_seed(seed)
    nsa = NSAttention(d_model, n_heads, block_size=block_size, topk=topk, window=window)
    full = CausalSelfAttention(d_model, n_heads)
    rows = []
    for T in lengths:
        x = torch.randn(batch, T, d_model, requires_grad=True)
        times = {"full": [], "nsa": []}
        for _ in range(repeats):
            for name, m in (("full", full), ("nsa", nsa)):
                step = lambda m=m: m(x)[0].sum().backward()
                times[name].append(benchmark.Timer("step()", globals={"step": step}).blocked_autorange(min_run_time=min_run_time).median)
        mem = {name: saved_tensor_bytes(lambda m=m: m(x)[0], exclude=tuple(m.parameters()) + (x,))[1]
               for name, m in (("full", full), ("nsa", nsa))}
        with sdpa_kernel([SDPBackend.MATH]):  # dense attention that materialises the T×T scores
            _, mem_math = saved_tensor_bytes(lambda: full(x)[0], exclude=tuple(full.parameters()) + (x,))
        ratio = stats([n / f for n, f in zip(times["nsa"], times["full"])])
        keys_nsa = T // block_size + topk * block_size + window
        rows.append(dict(seq=T, full_ms=1e3 * stats(times["full"])["median"], nsa_ms=1e3 * stats(times["nsa"])["median"],
                         time_ratio=ratio["median"], ratio_min=ratio["min"], ratio_max=ratio["max"], ratio_spread=ratio["spread"],
                         full_MB=mem["full"] / 2**20, full_math_MB=mem_math / 2**20, nsa_MB=mem["nsa"] / 2**20,
                         mem_ratio=mem["nsa"] / mem["full"], keys_per_query_full=T, keys_per_query_nsa=min(T, keys_nsa),
                         repeats=repeats))
    return rows


def main(argv=None):
    ap = bench_args(__doc__, repeats=3, out="runs/bench/nsa.csv")
    ap.add_argument("--lengths", type=int, nargs="+", default=[512, 1024, 2048, 4096, 8192])
    ap.add_argument("--d-model", type=int, default=64)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--block-size", type=int, default=16)
    ap.add_argument("--topk", type=int, default=4)
    ap.add_argument("--window", type=int, default=64)
    ap.add_argument("--min-run-time", type=float, default=0.2, help="seconds per blocked_autorange measurement")
    a = ap.parse_args(argv)
    kw = dict(lengths=tuple(a.lengths), d_model=a.d_model, n_heads=a.heads, block_size=a.block_size, topk=a.topk,
              window=a.window, min_run_time=a.min_run_time)
    if a.quick:
        kw.update(lengths=(128, 256), d_model=32, n_heads=2, block_size=16, topk=4, window=32, min_run_time=0.05)
    reps = repeats_of(a)
    print(f"{env_line()}; NSA vs full attention, d_model {kw['d_model']}, {kw['n_heads']} heads, block {kw['block_size']}, "
          f"topk {kw['topk']}, window {kw['window']}; fwd+bwd, {reps} repeats (time_ratio = median NSA/full)")
    rows = bench_nsa(repeats=reps, **kw)
    print(pd.DataFrame(rows).drop(columns="repeats").round(3).to_string(index=False))
    print(f"wrote {write_rows(rows, a.out)}", file=sys.stderr)
    return rows


if __name__ == "__main__":
    main()
