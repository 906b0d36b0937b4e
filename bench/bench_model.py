#!/usr/bin/env python
"""Tokens/s of a training forward+backward and of cached greedy generation for every block type x attention type
of `TinyOnnForCausalLM`, as ratios to dense blocks with full attention at the same length, measured in the same run.

Each (length, block, attention) builds one model (same seed) and times `--repeats` training forward+backward passes
and `--repeats` cached greedy generations (`--new-tokens` after a prompt of the given length), alternating. Tokens/s
and the ratios use the best (min) time of the repeats; the median and the spread (max − min) / median are printed
and written too. NSA's own time and memory against full attention: `bench/bench_nsa.py`.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_model.py [--lengths 512 2048] [--repeats 3] [--out runs/bench/model.csv]
    .venv/bin/python bench/bench_model.py --quick --out /tmp/model.csv      # seconds: the notebook's test (40_model)

Prints a table and writes one CSV row per (length, block, attention); nothing is asserted here.
"""
from __future__ import annotations

import sys, time

import pandas as pd
import torch

from _common import bench_args, env_line, repeats_of, stats, write_rows
from tiny_onn.model import ATTENTION_TYPES, BLOCK_TYPES, TinyOnnConfig, TinyOnnForCausalLM


def bench_model(lengths: tuple[int, ...] = (512, 2048), hidden_size: int = 64, num_hidden_layers: int = 2,
                num_attention_heads: int = 4, batch: int = 1, new_tokens: int = 16, reps: int = 3,
                kinds: tuple[tuple[str, str], ...] | None = None, seed: int = 0, **config_kw) -> list[dict]:
    """Tokens/s of a training forward+backward and of cached greedy generation (`new_tokens` after a prompt of the
    given length) for each `(block_type, attention_type)`, all in the same run, with ratios to dense/full (the first
    kind). Best of `reps` timings for tok/s and ratios; min/median/spread of the times alongside."""
    kinds = kinds or tuple((b, a) for a in ATTENTION_TYPES for b in BLOCK_TYPES)
    rows = []
    for T in lengths:
        g = torch.Generator().manual_seed(seed)
        ids = torch.randint(1, 256, (batch, T), generator=g)
        base = None
        for bt, at in kinds:
            torch.manual_seed(seed)
            cfg = TinyOnnConfig(vocab_size=256, hidden_size=hidden_size, num_hidden_layers=num_hidden_layers,
                                num_attention_heads=num_attention_heads, block_type=bt, attention_type=at,
                                max_position_embeddings=T + new_tokens, **config_kw)
            m = TinyOnnForCausalLM(cfg)
            tr, ge = [], []
            for _ in range(reps):
                m.train(); m.zero_grad(set_to_none=True)
                t0 = time.perf_counter(); m(ids, labels=ids, use_cache=False).loss.backward(); tr.append(time.perf_counter() - t0)
                m.eval()
                with torch.no_grad():
                    t0 = time.perf_counter()
                    m.generate(ids, max_new_tokens=new_tokens, min_new_tokens=new_tokens, do_sample=False, pad_token_id=0)
                    ge.append(time.perf_counter() - t0)
            st, sg = stats(tr), stats(ge)
            r = dict(seq=T, block=bt, attention=at, train_tok_s=batch * T / st["min"], gen_tok_s=batch * new_tokens / sg["min"])
            base = base or r
            r["train_ratio"], r["gen_ratio"] = r["train_tok_s"] / base["train_tok_s"], r["gen_tok_s"] / base["gen_tok_s"]
            r.update(train_ms_min=1e3 * st["min"], train_ms_median=1e3 * st["median"], train_spread=st["spread"],
                     gen_ms_min=1e3 * sg["min"], gen_ms_median=1e3 * sg["median"], gen_spread=sg["spread"], reps=reps)
            rows.append(r)
    return rows


def main(argv=None):
    ap = bench_args(__doc__, repeats=3, out="runs/bench/model.csv")
    ap.add_argument("--lengths", type=int, nargs="+", default=[512, 2048])
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--new-tokens", type=int, default=16)
    ap.add_argument("--kinds", nargs="+", default=None, metavar="BLOCK/ATTENTION",
                    help="e.g. dense/full dynmoe/nsa (the first is the ratios' base); default every combination")
    a = ap.parse_args(argv)
    kinds = None if a.kinds is None else tuple(tuple(k.split("/")) for k in a.kinds)
    if kinds and any(len(k) != 2 for k in kinds):
        ap.error(f"--kinds takes BLOCK/ATTENTION pairs, got {a.kinds}")
    kw = dict(lengths=tuple(a.lengths), hidden_size=a.hidden, num_hidden_layers=a.layers, num_attention_heads=a.heads,
              new_tokens=a.new_tokens, kinds=kinds)
    if a.quick:   # the notebook's test: one short length, two kinds, small NSA blocks
        kw.update(lengths=(32,), hidden_size=32, new_tokens=4, kinds=kinds or (("dense", "full"), ("dynmoe", "nsa")),
                  nsa_block_size=8, nsa_window=16)
    reps = repeats_of(a)
    print(f"{env_line()}; d {kw['hidden_size']}, {kw['num_hidden_layers']} layers, {kw['new_tokens']} new tokens, "
          f"{reps} repeats (tok/s and ratios from the best; spread = (max - min) / median)")
    rows = bench_model(reps=reps, **kw)
    df = pd.DataFrame(rows)
    print(df.drop(columns="reps").round(3).to_string(index=False))
    print(f"wrote {write_rows(rows, a.out)}", file=sys.stderr)
    return rows


if __name__ == "__main__":
    main()
