#!/usr/bin/env python
"""Test-time-training settings, chosen on tasks apart from the evaluation (one run, printed and written; nothing asserted).

The model: a run's `model/` folder (default `runs/arc_cpu/model`). The tuning tasks: 8 ARC-AGI-1 *training* tasks
(seeded) that fit 512 tokens and that the run did not train on, so no evaluation task informs the choice. For each
(steps, lr) of AdamW, every task's copy is test-time trained (`tiny_onn.eval.test_time_train`) and scored on its test
outputs: the mean teacher-forced cross entropy of the test outputs (per output, then averaged) and pass@2 of the voted,
grammar-constrained prediction. One seed; 8 tasks: a coarse choice, not a measurement to cite. `ttt_s_per_task` is wall
time on a shared machine (other jobs ran beside it): not a cost measurement.

The committed `runs/ttt_tuning/results.csv` (which set `configs/arc_cpu.yaml`'s ttt_steps/ttt_lr) used the issue-14 model,
commit 4acfe7f's `runs/arc_cpu/model` (`git show 4acfe7f:runs/arc_cpu/model/<file>` into a folder, then `--model` it).

    OMP_NUM_THREADS=2 .venv/bin/python bench/bench_ttt.py [--model runs/arc_cpu/model] [--grid 32,3e-4 32,1e-3 ...]
"""
import argparse, dataclasses, time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from tiny_onn.eval import load_model_folder, teacher_forced, predict_tasks, test_time_train
from tiny_onn.train import select_tasks
from tiny_onn.data.arc import load_arc, ARCTaskSet

GRID = ["32,3e-4", "32,1e-3", "32,3e-3", "16,1e-3", "64,1e-3", "128,1e-3"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default="runs/arc_cpu/model")
    ap.add_argument("--grid", nargs="+", default=GRID, help="steps,lr pairs")
    ap.add_argument("--tasks", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="runs/ttt_tuning/results.csv")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    model, cfg = load_model_folder(a.model)
    tr = load_arc("arc-agi-1/train")
    seen = set(select_tasks(tr, cfg.max_len, cfg.n_tasks, cfg.seed, cfg.task_ids).ids)
    pool = [t for t in select_tasks(tr, 512) if t.id not in seen]
    tune = ARCTaskSet("tune", [pool[i] for i in np.random.default_rng(123).choice(len(pool), min(a.tasks, len(pool)), replace=False)])
    before = float(teacher_forced(model, tune, 512).loss.mean())
    print(f"{len(tune)} tuning tasks (ARC-AGI-1 training, unseen by {a.model}): {' '.join(tune.ids)}; "
          f"test-output cross entropy before TTT {before:.3f}", flush=True)
    rows = []
    for pair in a.grid:
        steps, lr = int(pair.split(",")[0]), float(pair.split(",")[1])
        c = dataclasses.replace(cfg, ttt_steps=steps, ttt_lr=lr, ttt_optimizer="adamw", ttt_n_aug=8, ttt_batch_tokens=2048,
                                ttt_workers=1, eval_views=8)
        t0, ce = time.perf_counter(), []
        for t in tune:
            m, _ = test_time_train(model, t, c, 0)
            ce.append(float(teacher_forced(m, [t], 512).loss.mean()))
        ttt_s = time.perf_counter() - t0
        preds = predict_tasks(model, tune, c, 8, 512, 0)
        solved = sum(all(any(g.shape == o.shape and (g == o).all() for g in att) for att, (_, o) in zip(preds[t.id]["attempts"], t.test))
                     for t in tune)
        rows.append(dict(steps=steps, lr=lr, test_ce=float(np.mean(ce)), test_ce_sd=float(np.std(ce)), test_ce_before=before,
                         pass2_tasks=solved, n_tasks=len(tune), ttt_s_per_task=ttt_s / len(tune)))
        print(f"steps {steps:4d} lr {lr:g}: test-output CE {np.mean(ce):.3f} ± {np.std(ce):.3f} (before {before:.3f}); "
              f"pass@2 {solved}/{len(tune)}; {ttt_s / len(tune):.1f} s of TTT a task", flush=True)
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    df = pd.DataFrame(rows)
    if out.exists():   # rows of other grid points from an earlier run are kept (same tasks, model and seed)
        old = pd.read_csv(out)
        df = pd.concat([old[~old.set_index(["steps", "lr"]).index.isin(df.set_index(["steps", "lr"]).index)], df], ignore_index=True)
    df.sort_values(["steps", "lr"]).to_csv(out, index=False); print(f"wrote {out}")


if __name__ == "__main__":
    main()
