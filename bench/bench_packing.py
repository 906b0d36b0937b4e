#!/usr/bin/env python
"""Padding share of one epoch of ARC training sequences: length-bucketed padded batches vs first-fit packed rows
(`tiny_onn.train.BatchStream`, packed=False/True), for the default run's data and two larger task sets.
Data only (no model); prints one line per setting.

    .venv/bin/python bench/bench_packing.py
"""
from tiny_onn.train import BatchStream, load_config, select_tasks
from tiny_onn.data.arc import ARCDataset, load_arc
for max_len, n_tasks, bt in [(384, 16, 4096), (384, 0, 4096), (1024, 0, 8192)]:
    cfg = load_config("configs/arc_cpu.yaml", max_len=max_len, n_tasks=n_tasks, batch_tokens=bt)
    tasks = select_tasks(load_arc(cfg.train_set), cfg.max_len, cfg.n_tasks, 0)
    ds = ARCDataset(tasks, n_aug=cfg.n_aug, seed=0, max_len=cfg.max_len, label=cfg.label, colours=cfg.colours)
    out = {}
    for packed in (False, True):
        st = BatchStream(ds, bt, seed=0, packed=packed)
        tot = pad = nb = 0
        for b in st._batches():
            c = st._collate(b); tot += c["input_ids"].numel(); pad += int((c["doc_ids"] < 0).sum()); nb += 1
        out[packed] = (pad / tot, nb, tot)
    print(max_len, len(tasks), "padded: %.1f%% pad, %d batches, %d tokens | packed: %.1f%% pad, %d batches, %d tokens" % (100*out[False][0], out[False][1], out[False][2], 100*out[True][0], out[True][1], out[True][2]))
