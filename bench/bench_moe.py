#!/usr/bin/env python
"""DynMoE benchmarks (issue 6); run with one thread:

    OMP_NUM_THREADS=1 python bench/bench_moe.py            # both benchmarks
    OMP_NUM_THREADS=1 python bench/bench_moe.py dispatch   # 1: sparse vs dense dispatch
    OMP_NUM_THREADS=1 python bench/bench_moe.py fars       # 2: FARS vs SARS overhead

Prints tables only (no assertions); the same functions run in nbs/24_dynmoe.ipynb and nbs/30_fars.ipynb."""
import sys

import torch

from tiny_onn.fars import bench_shaper_overhead
from tiny_onn.layers.dynmoe import bench_dispatch


def dispatch():
    rows = bench_dispatch(n_tokens=2048, d=128, d_hidden=256, n_experts=16, min_run_time=1.0)
    print(f"Benchmark 1: sparse vs dense dispatch, 2048 tokens, d=128, d_hidden=256, 16 experts, fp32, "
          f"forward+backward, {torch.get_num_threads()} thread(s)")
    print(f"{'k/E':>6} {'dense ms':>9} {'sparse ms':>9} {'ratio':>6} {'ideal':>6} {'ratio/ideal':>11} {'dense MB':>9} {'sparse MB':>9}")
    for r in rows:
        print(f"{r['active_frac']:>6.3f} {r['dense_ms']:>9.2f} {r['sparse_ms']:>9.2f} {r['time_ratio']:>6.3f} "
              f"{r['ideal_ratio']:>6.3f} {r['time_ratio'] / r['ideal_ratio']:>11.2f} {r['dense_MB']:>9.2f} {r['sparse_MB']:>9.2f}")
    r8 = next(r for r in rows if r["active_frac"] == 0.125)
    print(f"sparse faster than dense below half active: {all(r['time_ratio'] < 1 for r in rows if r['active_frac'] < 0.5)}; "
          f"ratio at 1/8 = {r8['time_ratio']:.3f} (goal <= 0.25): {r8['time_ratio'] <= 0.25}")


def fars():
    for cfg in (dict(n_experts=8, d_model=64, n_layers=2, seq_len=64, batch=16),
                dict(n_experts=8, d_model=64, n_layers=2, seq_len=128, batch=64)):
        r = bench_shaper_overhead(**cfg, reps=10)
        s, m, b = r["step_ms"], r["meta_ms"], r["extra_bytes"]
        print(f"Benchmark 2: DynMoE LM {r['n_layers']}x{r['n_experts']} experts, {r['n_params']:,} params, "
              f"batch {r['batch']}x{r['seq_len']}, AdamW, {torch.get_num_threads()} thread(s)")
        print(f"{'shaper':>6} {'step ms':>9} {'meta-loss ms':>12} {'% of step':>9} {'step - none ms':>14} {'extra bytes':>12}")
        print(f"{'none':>6} {s['none']:>9.2f}")
        for k in ("fars", "sars"):
            print(f"{k:>6} {s[k]:>9.2f} {m[k]:>12.3f} {100 * m[k] / s['none']:>8.3f}% {s[k] - s['none']:>14.2f} {b[k]:>12,}")
        print()


if __name__ == "__main__":
    which = sys.argv[1:] or ["dispatch", "fars"]
    for w in which:
        {"dispatch": dispatch, "fars": fars}[w]()
