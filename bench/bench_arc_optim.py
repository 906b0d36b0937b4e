#!/usr/bin/env python
"""Which optimizer should the default ARC run use? A head-to-head on the default run's model and data.

Same model (configs/arc_cpu.yaml: DynMoE + FARS, hidden_size 96, 3 layers), the same 16 ARC-AGI-1 training tasks
(selected with seed 0 for every run), the same schedule shape (warm-up, cosine to 10 %), one thread per run,
two runs at a time. Phase 1 picks each optimizer's LR from a grid on seed 0; phase 2 runs seeds 1 and 2 at
that LR. First-order optimizers get `--steps` steps; LayerwiseGN (a CG solve per layer block per step, ~25x
an AdamW step here) gets `--gn-steps`, at least the same wall-clock. Per run: the mean training loss of the
last 10 % of steps, and from the final checkpoint the teacher-forced cross entropy (`tf_loss`, the decision
metric: deterministic, and the same weights for every optimizer), token accuracy and exact match on the 16
tasks' test outputs (identity view), wall time.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_arc_optim.py [--steps 300] [--gn-steps 25] [--out runs/optim_arc]

Writes `<out>/results.csv` (one row per run; rows already there are kept, so a killed run can be restarted).
"""
import argparse, time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pandas as pd

GRID = {"ars2neo": [2e-3, 5e-3, 1e-2], "adarmsuon": [2e-3, 5e-3, 1e-2], "adamw": [2e-3, 5e-3, 1e-2],
        "layerwise_gn": [0.3, 1.0]}


def tf_scores(model, tasks, max_len: int) -> dict:
    "Teacher-forced cross entropy (the decision metric: `tiny_onn.eval.tf_summary`), token accuracy and exact match."
    from tiny_onn.eval import teacher_forced, tf_summary
    return tf_summary(teacher_forced(model, tasks, max_len))


def run_one(args: tuple) -> dict:
    opt, lr, seed, steps, out = args
    import torch
    torch.set_num_threads(1)
    from tiny_onn.train import Trainer, load_config, select_tasks
    from tiny_onn.data.arc import load_arc
    name = f"{opt}_lr{lr:g}_s{seed}"
    cfg = load_config("configs/arc_cpu.yaml", run_dir=str(Path(out) / name), seed=seed, optimizer=opt, lr=lr,
                      max_steps=steps, eavi_steps=0, warmup_steps=max(2, steps // 15), ckpt_every=10**6, progress=False,
                      threads=1, gn_cg_iters=2)
    tasks = select_tasks(load_arc(cfg.train_set), cfg.max_len, cfg.n_tasks, 0)   # the same 16 tasks for every run
    t0 = time.perf_counter()
    tr = Trainer(cfg, tasks=tasks)
    df = tr.fit()
    wall = time.perf_counter() - t0
    tail = df.loss.iloc[-max(1, len(df) // 10):]
    return dict(optimizer=opt, lr=lr, seed=seed, steps=steps, train_loss_tail=float(tail.mean()),
                **tf_scores(tr.raw, tasks, cfg.max_len), wall_s=wall, s_per_step=wall / steps, skipped=int(tr.skipped),
                tokens=int(tr.tokens))


def rescore(out: Path) -> pd.DataFrame:
    """Fill `tf_loss` (and re-measure the teacher-forced metrics) from each run's final checkpoint where it is
    missing (rows written before `run_one` measured it)."""
    from tiny_onn.train import load_config, select_tasks
    from tiny_onn.data.arc import load_arc
    from tiny_onn.eval import load_run_model
    res = out / "results.csv"
    df = pd.read_csv(res)
    if "tf_loss" not in df: df["tf_loss"] = float("nan")
    tasks = None
    for i, r in df[df.tf_loss.isna()].iterrows():
        cfg = load_config("configs/arc_cpu.yaml", run_dir=str(out / f"{r.optimizer}_lr{r.lr:g}_s{r.seed}"), optimizer=r.optimizer)
        tasks = tasks or select_tasks(load_arc(cfg.train_set), cfg.max_len, cfg.n_tasks, 0)
        sc = tf_scores(load_run_model(cfg)[0], tasks, cfg.max_len)
        df.loc[i, list(sc)] = list(sc.values())
    df.to_csv(res, index=False)
    return df


def run_all(jobs: list, out: Path, workers: int) -> pd.DataFrame:
    res = out / "results.csv"
    done = pd.read_csv(res) if res.exists() else pd.DataFrame()
    key = lambda o, l, s: f"{o}|{l:g}|{s}"
    have = {key(r.optimizer, r.lr, r.seed) for r in done.itertuples()} if len(done) else set()
    todo = [j for j in jobs if key(*j[:3]) not in have]
    with ProcessPoolExecutor(workers) as ex:
        for row in ex.map(run_one, todo):
            print(row, flush=True)
            done = pd.concat([done, pd.DataFrame([row])], ignore_index=True)
            done.to_csv(res, index=False)
    return done


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--gn-steps", type=int, default=25)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="runs/optim_arc")
    ap.add_argument("--optimizers", default=",".join(GRID))
    ap.add_argument("--rescore-only", action="store_true", help="only fill tf_loss from the runs' final checkpoints")
    a = ap.parse_args()
    out = Path(a.out); out.mkdir(parents=True, exist_ok=True)
    if a.rescore_only:
        print(rescore(out).to_string()); return
    opts = a.optimizers.split(",")
    n = lambda o: a.gn_steps if o == "layerwise_gn" else a.steps
    df = run_all([(o, lr, 0, n(o), str(out)) for o in opts for lr in GRID[o]], out, a.workers)
    best = {o: float(df[(df.optimizer == o) & (df.seed == 0)].sort_values("train_loss_tail").lr.iloc[0]) for o in opts}
    print("best lr (seed 0):", best, flush=True)
    df = run_all([(o, best[o], s, n(o), str(out)) for o in opts for s in (1, 2)], out, a.workers)
    df = rescore(out)
    sel = pd.concat([df[(df.optimizer == o) & (df.lr == best[o])] for o in opts])
    summ = sel.groupby("optimizer").agg(lr=("lr", "first"), seeds=("seed", "count"), steps=("steps", "first"),
                                         tf_loss=("tf_loss", "mean"), tf_loss_sd=("tf_loss", "std"),
                                         loss=("train_loss_tail", "mean"), loss_sd=("train_loss_tail", "std"),
                                         tf_token_acc=("tf_token_acc", "mean"), tf_token_acc_sd=("tf_token_acc", "std"),
                                         tf_exact=("tf_exact", "mean"), s_per_step=("s_per_step", "mean"))
    summ["step_cost_vs_adamw"] = summ.s_per_step / summ.s_per_step.get("adamw", float("nan"))
    print(summ.sort_values("tf_loss").to_string(float_format=lambda v: f"{v:.4g}"))
    summ.to_csv(out / "summary.csv")


if __name__ == "__main__":
    main()
