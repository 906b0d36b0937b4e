#!/usr/bin/env python
"""Padding share of one epoch of ARC training sequences: length-bucketed padded batches vs first-fit packed rows
(`tiny_onn.train.BatchStream.padding_share`, packed=False/True), for the default run's data and two larger task
sets. Data only (no model); prints one line per setting.

    .venv/bin/python bench/bench_packing.py
"""
from tiny_onn.train import BatchStream, load_config, select_tasks
from tiny_onn.data.arc import ARCDataset, load_arc

for max_len, n_tasks, batch_tokens in [(384, 16, 4096), (384, 0, 4096), (1024, 0, 8192)]:
    cfg = load_config("configs/arc_cpu.yaml", max_len=max_len, n_tasks=n_tasks, batch_tokens=batch_tokens)
    tasks = select_tasks(load_arc(cfg.train_set), cfg.max_len, cfg.n_tasks, 0)
    ds = ARCDataset(tasks, n_aug=cfg.n_aug, seed=0, max_len=cfg.max_len, label=cfg.label, colours=cfg.colours)
    share = {packed: BatchStream(ds, batch_tokens, seed=0, packed=packed).padding_share() for packed in (False, True)}
    print(f"{len(tasks):4d} tasks <= {max_len} tokens, {batch_tokens}-token batches: "
          f"padding share padded {share[False]:.1%}, packed {share[True]:.1%}")
