#!/usr/bin/env python
"""DynMoE dispatch: `experts_sparse` against the dense reference `experts_dense`, forward+backward, on the same inputs
with exactly `k` random experts per token, for several `k` (issue 6; SPEC §8: sparse faster than dense below half the
experts active, and within 2× of the ideal ratio, the active fraction, at 1/8).

Per `k` and repeat, both paths are timed one after the other (`torch.utils.benchmark` `blocked_autorange`, its
median) and their ratio taken; `--repeats` pairs give the median ratio with min/max and spread
((max − min) / median). Saved-for-backward bytes (the activation memory; on CPU there is no allocator peak
counter, so this deterministic count stands in for peak memory) are counted once. FARS/SARS overhead: `bench/bench_fars.py`.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_moe.py [--tokens 2048] [--repeats 3] [--out runs/bench/moe_dispatch.csv]
    .venv/bin/python bench/bench_moe.py --quick --out /tmp/moe.csv         # seconds: the notebook's test (24_dynmoe)

Prints a table and whether the two goals held; writes one CSV row per `k`; nothing is asserted here.
"""
from __future__ import annotations

import sys

import torch
from torch import Tensor
from torch.utils import benchmark

from _common import bench_args, env_line, repeats_of, saved_tensor_bytes, stats, write_rows
from tiny_onn.layers.dynmoe import experts_dense, experts_sparse


def random_routing(n_tokens: int, n_experts: int, k: int, generator: torch.Generator | None = None) -> Tensor:
    "Bool mask `(n_tokens, n_experts)` with exactly `k` random experts per token."
    if not 0 <= k <= n_experts:
        raise ValueError(f"k must be in [0, {n_experts}], got {k}")
    idx = torch.rand(n_tokens, n_experts, generator=generator).argsort(-1)[:, :k]
    return torch.zeros(n_tokens, n_experts, dtype=torch.bool).scatter_(1, idx, True)


def bench_dispatch(n_tokens: int = 2048, d: int = 128, d_hidden: int = 256, n_experts: int = 16,
                   ks: tuple[int, ...] | None = None, min_run_time: float = 0.5, seed: int = 0, repeats: int = 3) -> list[dict]:
    """Time forward+backward of `experts_sparse` vs `experts_dense` (same inputs, same run) for `k` active experts per
    token, `repeats` times side by side, and count their saved-for-backward bytes. One row per `k`."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n_tokens, d, generator=g, requires_grad=True)
    w1 = (torch.randn(n_experts, d, d_hidden, generator=g) * d ** -0.5).requires_grad_()
    w2 = (torch.randn(n_experts, d_hidden, d, generator=g) * d_hidden ** -0.5).requires_grad_()
    ks = ks or tuple(sorted({max(1, n_experts // 16), n_experts // 8, n_experts // 4, n_experts // 2, n_experts}))
    rows = []
    for k in ks:
        mask = random_routing(n_tokens, n_experts, k, g)
        W = torch.rand(n_tokens, n_experts, generator=g).requires_grad_()
        times = {"dense": [], "sparse": []}
        fns = (("dense", experts_dense), ("sparse", experts_sparse))
        for _ in range(repeats):
            for name, f in fns:
                def step(f=f):
                    f(x, w1, w2, W, mask).sum().backward()
                times[name].append(benchmark.Timer("step()", globals={"step": step}).blocked_autorange(min_run_time=min_run_time).median)
        mem = {name: saved_tensor_bytes(lambda f=f: f(x, w1, w2, W, mask), exclude=(x, w1, w2, W))[1] for name, f in fns}
        ratio = stats([s / dn for s, dn in zip(times["sparse"], times["dense"])])
        rows.append(dict(k=k, active_frac=k / n_experts, dense_ms=1e3 * stats(times["dense"])["median"],
                         sparse_ms=1e3 * stats(times["sparse"])["median"], time_ratio=ratio["median"],
                         ratio_min=ratio["min"], ratio_max=ratio["max"], ratio_spread=ratio["spread"], ideal_ratio=k / n_experts,
                         dense_MB=mem["dense"] / 2**20, sparse_MB=mem["sparse"] / 2**20,
                         mem_ratio=mem["sparse"] / max(mem["dense"], 1), repeats=repeats))
    return rows


def show(rows: list[dict]) -> None:
    print(f"{'k/E':>6} {'dense ms':>9} {'sparse ms':>9} {'ratio':>6} {'min..max':>13} {'ideal':>6} {'ratio/ideal':>11} "
          f"{'dense MB':>9} {'sparse MB':>9} {'mem ratio':>9}")
    for r in rows:
        print(f"{r['active_frac']:>6.3f} {r['dense_ms']:>9.2f} {r['sparse_ms']:>9.2f} {r['time_ratio']:>6.3f} "
              f"{r['ratio_min']:>6.3f}..{r['ratio_max']:<5.3f} {r['ideal_ratio']:>6.3f} {r['time_ratio'] / r['ideal_ratio']:>11.2f} "
              f"{r['dense_MB']:>9.2f} {r['sparse_MB']:>9.2f} {r['mem_ratio']:>9.3f}")


def main(argv=None):
    ap = bench_args(__doc__, repeats=3, out="runs/bench/moe_dispatch.csv")
    ap.add_argument("--tokens", type=int, default=2048)
    ap.add_argument("--d", type=int, default=128)
    ap.add_argument("--d-hidden", type=int, default=256)
    ap.add_argument("--experts", type=int, default=16)
    ap.add_argument("--ks", type=int, nargs="+", default=None, help="active experts per token (default E/16 .. E)")
    ap.add_argument("--min-run-time", type=float, default=1.0, help="seconds per blocked_autorange measurement")
    a = ap.parse_args(argv)
    kw = dict(n_tokens=a.tokens, d=a.d, d_hidden=a.d_hidden, n_experts=a.experts, ks=a.ks and tuple(a.ks),
              min_run_time=a.min_run_time)
    if a.quick:
        kw.update(n_tokens=256, d=32, d_hidden=64, n_experts=16, ks=(2, 16), min_run_time=0.05)
    reps = repeats_of(a)
    print(f"{env_line()}; sparse vs dense dispatch, {kw['n_tokens']} tokens, d={kw['d']}, d_hidden={kw['d_hidden']}, "
          f"{kw['n_experts']} experts, fp32, forward+backward, {reps} repeats (ratio = median sparse/dense)")
    rows = bench_dispatch(repeats=reps, **kw)
    show(rows)
    below = [r for r in rows if r["active_frac"] < 0.5]
    print(f"goal 1 (sparse faster than dense below half active): {all(r['time_ratio'] < 1 for r in below)}")
    r8 = next((r for r in rows if r["active_frac"] == 0.125), None)
    if r8 is not None:
        print(f"goal 2 (ratio at 1/8 within 2x of ideal 0.125): {r8['time_ratio'] <= 2 * 0.125} (ratio {r8['time_ratio']:.3f})")
    print(f"wrote {write_rows(rows, a.out)}", file=sys.stderr)
    return rows


if __name__ == "__main__":
    main()
