#!/usr/bin/env python
"""Training-core benchmark (one run, ratios printed side by side; nothing asserted):

1. trainer overhead: `Trainer.train_step` vs a bare PyTorch loop (forward, loss, backward, the same optimizer
   with the same minimal closure) on the same model, micro-batches and optimizer, steps interleaved; the
   trainer's data stream is replaced by the same pre-collated batches so only the loop's own work differs;
2. data-loading share of the step time in a normal trainer run (collation of ARC sequences);
3. `torch.compile` speed-up on CPU (steady-state step time after warm-up, eager vs compiled).

    OMP_NUM_THREADS=2 .venv/bin/python bench/bench_train.py [--steps 20] [--threads 2] [--block_type dynmoe]
"""
import argparse, copy, statistics, time

import torch
import torch.nn.functional as F

from tiny_onn.train import Trainer, load_config, label_count, build_optimizer


def bare_step(model, opt, batch, n_tokens):
    "The bare loop: the same ARS2Neo/AdamW step with a minimal closure (no SDL, FARS, guard, clipping, metrics)."
    def closure():
        opt.zero_grad(set_to_none=True)
        loss = model(input_ids=batch["input_ids"], labels=batch["labels"], num_items_in_batch=n_tokens, use_cache=False).lm_loss
        loss.backward()
        return loss
    return opt.step(closure)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default="configs/arc_cpu.yaml")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--block_type", default="dynmoe")
    ap.add_argument("--no-compile", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    base = dict(run_dir="runs/bench_train", progress=False, threads=a.threads, block_type=a.block_type, ckpt_every=10**6,
                max_steps=10**6, warmup_steps=0)
    cfg = load_config(a.config, **base, fars=False)

    # 1. overhead: same batches, same initial weights, same optimizer kind, interleaved
    tr = Trainer(cfg)
    batches = [tr.stream.next(1)[0] for _ in range(8)]
    k = [0]
    def fixed_next(n):
        out = [batches[(k[0] + i) % len(batches)] for i in range(n)]; k[0] += n; return out
    tr.stream.next = fixed_next
    bare = copy.deepcopy(tr.raw)
    bare_opt = build_optimizer(cfg, bare)
    for _ in range(2):  # warm-up both
        tr.train_step(); b = batches[0]; bare_step(bare, bare_opt, b, label_count(b))
    t_tr, t_bare = [], []
    for i in range(a.steps):
        b = batches[(k[0]) % len(batches)]
        t0 = time.perf_counter(); tr.train_step(); t_tr.append(time.perf_counter() - t0)
        t0 = time.perf_counter(); bare_step(bare, bare_opt, b, label_count(b)); t_bare.append(time.perf_counter() - t0)
    med = statistics.median
    print(f"[1] trainer step {med(t_tr) * 1e3:.1f} ms vs bare loop {med(t_bare) * 1e3:.1f} ms (median of {a.steps}, "
          f"{a.block_type} hidden={tr.raw.config.hidden_size} L={tr.raw.config.num_hidden_layers}, {cfg.optimizer}, FARS off): ratio {med(t_tr) / med(t_bare):.3f} (goal <= 1.05)")
    cfg_f = load_config(a.config, **base, fars=True)
    trf = Trainer(cfg_f); trf.stream.next = fixed_next
    for _ in range(2): trf.train_step()
    t_f = []
    for i in range(a.steps):
        t0 = time.perf_counter(); trf.train_step(); t_f.append(time.perf_counter() - t0)
    print(f"    with FARS on: trainer step {med(t_f) * 1e3:.1f} ms, ratio to the bare loop {med(t_f) / med(t_bare):.3f}")

    # 2. data-loading share in a normal run
    tr2 = Trainer(load_config(a.config, **{**base, "run_dir": "runs/bench_train_data"}))
    rows = [tr2.train_step() for _ in range(a.steps)]
    ds, ss = sum(r["data_s"] for r in rows), sum(r["step_s"] for r in rows)
    print(f"[2] data loading (collation) share of step time: {ds / ss:.2%} ({ds * 1e3 / len(rows):.1f} ms of {ss * 1e3 / len(rows):.1f} ms per step)")

    # 3. torch.compile on CPU
    if not a.no_compile:
        res = {}
        for comp in (False, True):
            c = load_config(a.config, **{**base, "run_dir": f"runs/bench_train_c{int(comp)}"}, compile=comp, fars=False)
            t = Trainer(c); t.stream.next = fixed_next
            t0 = time.perf_counter()
            try:
                for _ in range(3): t.train_step()
            except Exception as e:  # inductor needs a C++ toolchain; report instead of failing
                print(f"[3] torch.compile failed: {type(e).__name__}: {str(e)[:200]}"); break
            warm = time.perf_counter() - t0
            ts = []
            for _ in range(a.steps):
                t0 = time.perf_counter(); t.train_step(); ts.append(time.perf_counter() - t0)
            res[comp] = (med(ts), warm)
        if len(res) == 2:
            print(f"[3] torch.compile on CPU: eager {res[False][0] * 1e3:.1f} ms/step, compiled {res[True][0] * 1e3:.1f} ms/step: "
                  f"speed-up {res[False][0] / res[True][0]:.2f}x (compile warm-up {res[True][1]:.1f} s for 3 steps vs {res[False][1]:.1f} s eager)")


if __name__ == "__main__":
    main()
