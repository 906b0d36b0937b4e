#!/usr/bin/env python
"""ARC data pipeline throughput vs. one training step of a small stand-in transformer.

Measures tokenize + augment + collate (the whole `ARCDataset` -> `PackedBatchSampler` -> `collate_packed` path)
in tasks/s and tokens/s, in the main process and with 2 DataLoader workers, and compares the time per batch to one
training step (forward, loss, backward, AdamW) of a ~3M-parameter causal transformer on the *same* packed batches.
The project's model (tiny_onn.model) is not written yet, so the stand-in is built from torch.nn here: pre-norm
blocks, SDPA with the block-diagonal causal mask from `block_causal_mask`, learned positions from `position_ids`.

    OMP_NUM_THREADS=1 python bench/bench_arc_data.py [--batches 20] [--row-len 2048] [--rows 4] [--out runs/bench/arc_data.json]
    .venv/bin/python bench/bench_arc_data.py --quick --out /tmp/arc_data.json     # seconds

Prints a table and writes the measured figures as JSON; nothing here is asserted (timings are not tests).
"""
from __future__ import annotations
import argparse, json, statistics, sys, time
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from tiny_onn.data.arc import (ARCDataset, IGNORE_INDEX, PackedBatchSampler, PackedCollate, VOCAB, arc_loader,
                               block_causal_mask, load_arc)


class StandInLM(nn.Module):
    "Small causal transformer (pre-norm, SDPA with an explicit mask); a stand-in until tiny_onn.model exists."
    def __init__(self, vocab: int = len(VOCAB), d: int = 256, layers: int = 4, heads: int = 4, max_pos: int = 4096):
        super().__init__()
        self.heads = heads
        self.emb, self.pos = nn.Embedding(vocab, d), nn.Embedding(max_pos, d)
        self.blocks = nn.ModuleList(nn.ModuleDict(dict(n1=nn.LayerNorm(d), qkv=nn.Linear(d, 3 * d), o=nn.Linear(d, d), n2=nn.LayerNorm(d),
                                                       ff=nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d)))) for _ in range(layers))
        self.norm, self.head = nn.LayerNorm(d), nn.Linear(d, vocab)

    def forward(self, input_ids, position_ids, mask):
        x = self.emb(input_ids) + self.pos(position_ids)
        B, L, D = x.shape
        for b in self.blocks:
            q, k, v = b["qkv"](b["n1"](x)).view(B, L, 3, self.heads, D // self.heads).permute(2, 0, 3, 1, 4)
            x = x + b["o"](F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2).reshape(B, L, D))
            x = x + b["ff"](b["n2"](x))
        return self.head(self.norm(x))


def train_step(model, opt, batch):
    logits = model(batch["input_ids"], batch["position_ids"], block_causal_mask(batch["doc_ids"]))
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), batch["labels"][:, 1:].reshape(-1), ignore_index=IGNORE_INDEX)
    opt.zero_grad(set_to_none=True); loss.backward(); opt.step()
    return loss.item()


def data_rate(ds, row_len, rows, n_batches, workers, seed=0):
    "Batches/s, tasks/s, real tokens/s of the loader alone (first batch excluded: worker start-up)."
    loader = arc_loader(ds, "packed", row_len=row_len, rows_per_batch=rows, seed=seed, num_workers=workers)
    it = iter(loader); next(it)
    t0, n_items, n_tok, nb = time.perf_counter(), 0, 0, 0
    for b in it:
        n_items += len(b["item"]); n_tok += int((b["doc_ids"] >= 0).sum()); nb += 1
        if nb >= n_batches: break
    dt = time.perf_counter() - t0
    del it, loader
    return dict(batches=nb, s_per_batch=dt / nb, tasks_per_s=n_items / dt, tokens_per_s=n_tok / dt)


def run_benchmark(set_name="arc-agi-1/train", n_aug=8, row_len=2048, rows=4, n_batches=20, n_steps=5, workers=(0, 2), seed=0, threads=1):
    torch.set_num_threads(threads)
    ds = ARCDataset(load_arc(set_name), n_aug=n_aug, seed=seed, max_len=row_len)
    out = {"set": set_name, "items": len(ds), "row_len": row_len, "rows_per_batch": rows, "torch_threads": threads}
    for w in workers: out[f"data_w{w}"] = data_rate(ds, row_len, rows, n_batches, w, seed)
    # model step on the same batches (main process, no loader in the way)
    torch.manual_seed(seed)
    model = StandInLM(max_pos=row_len)
    out["params"] = sum(p.numel() for p in model.parameters())
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    batches = list(iter(arc_loader(ds, "packed", row_len=row_len, rows_per_batch=rows, seed=seed)))[:n_steps + 1]
    train_step(model, opt, batches[0])  # warm-up
    times = []
    for b in batches[1:]:
        t0 = time.perf_counter(); train_step(model, opt, b); times.append(time.perf_counter() - t0)
    out["step_s"] = statistics.median(times)
    # the real loop: 2 workers feeding the model; time spent waiting for the next batch
    loader = arc_loader(ds, "packed", row_len=row_len, rows_per_batch=rows, seed=seed + 1, num_workers=2)
    it = iter(loader); train_step(model, opt, next(it))
    wait = step = 0.0
    for _ in range(n_steps):
        t0 = time.perf_counter(); b = next(it); t1 = time.perf_counter(); train_step(model, opt, b); t2 = time.perf_counter()
        wait += t1 - t0; step += t2 - t1
    out["loop_wait_fraction"] = wait / (wait + step)
    del it, loader
    return out


def report(r) -> str:
    lines = [f"set {r['set']}: {r['items']} items (tasks x test pairs x augmentations), packed rows of {r['row_len']} x {r['rows_per_batch']} per batch, "
             f"torch threads {r['torch_threads']}",
             f"stand-in model: {r['params'] / 1e6:.2f}M params, one training step (fwd+bwd+AdamW) = {r['step_s'] * 1000:.0f} ms (median)",
             "| loader | s/batch | tasks/s | tokens/s | data time / step time |", "|---|---|---|---|---|"]
    for k in [k for k in r if k.startswith("data_w")]:
        d = r[k]; w = int(k[6:])
        lines.append(f"| {'main process' if w == 0 else f'{w} workers'} | {d['s_per_batch'] * 1000:.1f} ms | {d['tasks_per_s']:.0f} | "
                     f"{d['tokens_per_s']:.0f} | {d['s_per_batch'] / r['step_s']:.2%} |")
    lines.append(f"training loop with 2 workers: {r['loop_wait_fraction']:.2%} of the time spent waiting for data")
    return "\n".join(lines)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--set", default="arc-agi-1/train"); ap.add_argument("--batches", type=int, default=20)
    ap.add_argument("--steps", type=int, default=5); ap.add_argument("--row-len", type=int, default=2048)
    ap.add_argument("--rows", type=int, default=4); ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n-aug", type=int, default=8, help="augmentations per test pair")
    ap.add_argument("--quick", action="store_true", help="a tiny setting (512-token rows, 1 row, 3 batches, 2 steps, 1 augmentation)")
    ap.add_argument("--out", default="runs/bench/arc_data.json", help="result file (JSON)")
    a = ap.parse_args(argv)
    kw = dict(n_aug=a.n_aug, row_len=a.row_len, rows=a.rows, n_batches=a.batches, n_steps=a.steps, threads=a.threads)
    if a.quick:
        kw.update(n_aug=1, row_len=512, rows=1, n_batches=3, n_steps=2)
    r = run_benchmark(a.set, **kw)
    print(report(r))
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(r, indent=1) + "\n")
    print(f"wrote {out}", file=sys.stderr)
    return r


if __name__ == "__main__":
    main()
