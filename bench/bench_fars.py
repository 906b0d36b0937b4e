#!/usr/bin/env python
"""FARS and SARS overhead on a training step of a DynMoE `tiny_onn.model.TinyOnnForCausalLM` (`block_type="dynmoe"`)
with AdamW (`torch.optim`), measured in the same run (issue 6; SPEC §8: FARS < 0.15 % of step time, extra memory
O(experts)).

- `step_ms`: the full step (`train_closure` below + `optimizer.step`) with no shaper / FARS / SARS, interleaved round-robin
  over `--repeats` rounds (after 2 warm-up steps so the optimizer has curvature): median, min, max, spread;
- `meta_ms`: the meta-loss call alone (FARS: reading curvature + the loss; SARS: its extra backward + the loss),
  the shaper's own cost isolated from step-time noise, same rounds; `meta_pct`: median meta / median no-shaper step;
- `extra_bytes`: what the shaper adds: the cost vectors (FARS) or the gradient tensors of its extra backward (SARS),
  plus what autograd saves for the meta-loss's backward (counted, deterministic).

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_fars.py [--repeats 10] [--out runs/bench/fars_overhead.csv]
    .venv/bin/python bench/bench_fars.py --quick --out /tmp/fars.csv      # seconds: the notebook's test (30_fars)

The default runs two settings: 2 layers x 8 experts, d 64, batch 16x64 and batch 64x128. Prints one table per
setting; writes one CSV row per (setting, shaper); nothing is asserted here.
"""
from __future__ import annotations

import sys, time

import torch
from torch import Tensor, nn

from _common import bench_args, env_line, repeats_of, saved_tensor_bytes, stats, write_rows
from tiny_onn.fars import SARS, SHAPERS, RoutingShaper, make_shaper
from tiny_onn.layers.dynmoe import dynmoe_layers
from tiny_onn.model import TinyOnnConfig, TinyOnnForCausalLM

SETTINGS = (dict(n_experts=8, d_model=64, n_layers=2, seq_len=64, batch=16),
            dict(n_experts=8, d_model=64, n_layers=2, seq_len=128, batch=64))
QUICK = (dict(n_experts=4, d_model=32, n_layers=1, seq_len=32, batch=4),)


def dynmoe_model(d_model: int, n_layers: int, n_heads: int, seq_len: int, n_experts: int) -> TinyOnnForCausalLM:
    "The byte-level DynMoE LM this benchmark trains (expert width: the config's default, 2 x d_model)."
    return TinyOnnForCausalLM(TinyOnnConfig(vocab_size=256, hidden_size=d_model, num_hidden_layers=n_layers,
                                            num_attention_heads=n_heads, max_position_embeddings=seq_len,
                                            block_type="dynmoe", num_experts=n_experts))


def train_closure(model: nn.Module, optimizer, ids: Tensor, shaper: RoutingShaper | None = None):
    """The training closure (as in nbs/30_fars): forward on `ids` (labels = `ids`, shifted inside the model), `out.loss`
    (task loss + SDL losses) + the shaper's meta-loss, one backward. Returns the task loss."""
    def closure() -> Tensor:
        optimizer.zero_grad(set_to_none=True)
        out = model(input_ids=ids, labels=ids, use_cache=False)
        meta = None if shaper is None else shaper.meta_loss(out.lm_loss) if isinstance(shaper, SARS) else shaper.meta_loss()
        (out.loss if meta is None else out.loss + meta).backward()
        return out.lm_loss
    return closure


def bench_shaper_overhead(n_experts: int = 8, d_model: int = 64, n_layers: int = 2, seq_len: int = 64, batch: int = 16,
                          reps: int = 20, seed: int = 0) -> list[dict]:
    "One row per shaper kind (none/fars/sars) for one setting; see the module docstring for the columns."
    torch.manual_seed(seed)
    model = dynmoe_model(d_model, n_layers, 4, seq_len, n_experts)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, 256, (batch, seq_len), generator=g)
    task_loss = lambda: model(input_ids=ids, labels=ids, use_cache=False).lm_loss
    shapers = {k: make_shaper(k, model, opt) for k in SHAPERS}
    for _ in range(2):
        opt.step(train_closure(model, opt, ids, None))  # so the optimizer has curvature
    step_t = {k: [] for k in SHAPERS}; meta_t = {k: [] for k in ("fars", "sars")}
    for _ in range(reps):
        for k in SHAPERS:
            t0 = time.perf_counter(); opt.step(train_closure(model, opt, ids, shapers[k])); step_t[k].append(time.perf_counter() - t0)
        loss = task_loss()
        t0 = time.perf_counter(); shapers["fars"].meta_loss(); meta_t["fars"].append(time.perf_counter() - t0)
        t0 = time.perf_counter(); shapers["sars"].meta_loss(loss); meta_t["sars"].append(time.perf_counter() - t0)
    loss = task_loss()
    params = [p for m in dynmoe_layers(model) for p in m.expert_params().values()]
    _, fb = saved_tensor_bytes(shapers["fars"].meta_loss, exclude=tuple(model.parameters()))
    fb += sum(c.numel() * c.element_size() for c in shapers["fars"].layer_costs())
    _, sb = saved_tensor_bytes(lambda: shapers["sars"].meta_loss(loss), exclude=tuple(model.parameters()))
    sb += sum(p.numel() * p.element_size() for p in params)  # the gradients its extra backward materialises
    base = stats(step_t["none"])["median"]
    common = dict(n_params=sum(p.numel() for p in model.parameters()), n_experts=n_experts, n_layers=n_layers, d_model=d_model,
                  batch=batch, seq_len=seq_len, reps=reps, expert_param_bytes=sum(p.numel() * p.element_size() for p in params))
    rows = []
    for k in SHAPERS:
        s = stats(step_t[k])
        r = dict(shaper=k, step_ms=1e3 * s["median"], step_ms_min=1e3 * s["min"], step_ms_max=1e3 * s["max"],
                 step_spread=s["spread"], step_minus_none_ms=1e3 * (s["median"] - base))
        if k == "none":
            r.update(meta_ms=float("nan"), meta_ms_min=float("nan"), meta_ms_max=float("nan"), meta_pct=float("nan"), extra_bytes=0)
        else:
            m = stats(meta_t[k])
            r.update(meta_ms=1e3 * m["median"], meta_ms_min=1e3 * m["min"], meta_ms_max=1e3 * m["max"],
                     meta_pct=100 * m["median"] / base, extra_bytes=fb if k == "fars" else sb)
        rows.append({**r, **common})
    return rows


def show(rows: list[dict]) -> None:
    r0 = rows[0]
    print(f"DynMoE LM: {r0['n_layers']} layers x {r0['n_experts']} experts, {r0['n_params']:,} params, batch "
          f"{r0['batch']}x{r0['seq_len']} tokens, AdamW, fp32, {env_line()}, {r0['reps']} interleaved rounds (median; min..max)")
    print(f"{'shaper':>6} {'step ms':>9} {'min..max':>15} {'meta-loss ms':>12} {'min..max':>15} {'% of step':>9} "
          f"{'step - none ms':>14} {'extra bytes':>12}")
    for r in rows:
        step = f"{r['step_ms']:>9.2f} {r['step_ms_min']:>7.2f}..{r['step_ms_max']:<6.2f}"
        if r["shaper"] == "none":
            print(f"{'none':>6} {step} {'-':>12} {'-':>15} {'-':>9} {'-':>14} {'-':>12}")
        else:
            print(f"{r['shaper']:>6} {step} {r['meta_ms']:>12.3f} {r['meta_ms_min']:>7.3f}..{r['meta_ms_max']:<6.3f} "
                  f"{r['meta_pct']:>8.3f}% {r['step_minus_none_ms']:>14.2f} {r['extra_bytes']:>12,}")
    print(f"(expert parameters: {r0['expert_param_bytes']:,} bytes)")


def main(argv=None):
    ap = bench_args(__doc__, repeats=10, out="runs/bench/fars_overhead.csv", quick_repeats=3)
    a = ap.parse_args(argv)
    reps = repeats_of(a)
    rows = []
    for i, cfg in enumerate(QUICK if a.quick else SETTINGS):
        rs = bench_shaper_overhead(**cfg, reps=reps)
        show(rs); print()
        rows += [dict(setting=i, **r) for r in rs]
    print(f"wrote {write_rows(rows, a.out)}", file=sys.stderr)
    return rows


if __name__ == "__main__":
    main()
