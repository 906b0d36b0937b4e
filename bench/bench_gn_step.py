#!/usr/bin/env python
"""Cost of one LayerwiseGN step on the default ARC model (configs/arc_cpu.yaml), by block choice, against an
AdaRMSuon step on the same batches: `gn_blocks="layer"` (one block per transformer layer + the rest) vs
`"module"` (one block per module), `gn_cg_iters` CG iterations each a full-model jvp + vjp per block.
Median of `--steps` steps after one warm-up step, one thread; ratios printed, nothing asserted.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_gn_step.py [--steps 2] [--cg-iters 2]
"""
import argparse, statistics, tempfile, time

import torch

from tiny_onn.train import Trainer, load_config


def step_time(steps: int, **over) -> tuple:
    cfg = load_config("configs/arc_cpu.yaml", run_dir=tempfile.mkdtemp(), progress=False, threads=1,
                      ckpt_every=10**6, max_steps=100, eavi_steps=0, **over)
    tr = Trainer(cfg)
    tr.train_step()                                     # warm-up
    ts = []
    for _ in range(steps):
        t0 = time.perf_counter(); tr.train_step(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts), len(tr.optimizer.param_groups)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=2)
    ap.add_argument("--cg-iters", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(1)
    base, _ = step_time(a.steps, optimizer="adarmsuon")
    print(f"adarmsuon step: {base:.2f} s")
    for blocks in ("layer", "module"):
        t, n = step_time(a.steps, optimizer="layerwise_gn", lr=1.0, gn_cg_iters=a.cg_iters, gn_blocks=blocks)
        print(f"layerwise_gn gn_blocks={blocks!r}: {n} blocks, {t:.2f} s per step = {t / base:.1f}x adarmsuon")


if __name__ == "__main__":
    main()
