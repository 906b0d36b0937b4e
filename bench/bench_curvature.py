#!/usr/bin/env python
"""Benchmark diag(G) in tiny_onn.curvature against BackPACK (DiagGGNExact / DiagGGNMC) on the same model and batch.

    OMP_NUM_THREADS=1 python bench/bench_curvature.py            # 3 seeds, 1 thread
    python bench/bench_curvature.py --seeds 5 --min-run-time 1.0 --out runs/bench/curvature.csv
    python bench/bench_curvature.py --quick --out /tmp/curvature.csv   # 1 seed, seconds

Prints one table: per model (MLP 784-512-512-10 and a small CNN, batch 128, CE loss, float32, CPU) and method
(exact, MC with 1 sample), time per diag(G) (torch.utils.benchmark, median of blocked_autorange) and peak memory for
tiny_onn and for BackPACK, their ratios, and each method's time as a multiple of one plain forward+backward of the
same model and batch. Every figure is mean ± sd over the seeds (model init and batch differ per seed).

Peak memory is measured with torch.profiler(profile_memory=True): the running sum, in time order, of the tensor
allocations and frees recorded by PyTorch's CPU allocator during one call, maximum over the call. Limits: it counts
only tensor storage from PyTorch's allocator (not Python objects, not scratch memory that MKL/oneDNN allocate for
themselves, not allocator fragmentation); an allocation freed inside the same operator is netted out, so short-lived
temporaries inside one kernel are missed; inputs/parameters that exist before the call are not counted. The same
rules apply to both libraries, so the ratio is a fair comparison of what each allocates. (tracemalloc does not see
torch tensors; RSS deltas are dominated by allocator caching.) On CUDA, torch.cuda.max_memory_allocated is used.
"""
import argparse, copy, math, sys, time, warnings

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.utils import benchmark

from tiny_onn.curvature import diag_ggn_exact, diag_ggn_mc

warnings.filterwarnings("ignore", message=".*Full backward hook.*")


def make_models(seed: int, device="cpu"):
    "The two benchmark models with one batch each: (name, model, x, y)."
    g = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    mlp = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
    cnn = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    y = torch.randint(0, 10, (128,), generator=g)
    return [("MLP 784-512-512-10", mlp.to(device), torch.randn(128, 784, generator=g).to(device), y.to(device)),
            ("CNN 2conv+pool+fc, 28x28", cnn.to(device), torch.randn(128, 1, 28, 28, generator=g).to(device), y.to(device))]


def backpack_fn(model, x, y, mc: bool):
    "One BackPACK diag(G) computation (forward, loss, backward with the extension) on a deep copy of the model."
    from backpack import backpack, extend
    from backpack.extensions import DiagGGNExact, DiagGGNMC
    m, lf = extend(copy.deepcopy(model)), extend(nn.CrossEntropyLoss())
    def run():
        m.zero_grad(set_to_none=True)
        loss = lf(m(x), y)
        with backpack(DiagGGNMC(mc_samples=1) if mc else DiagGGNExact()):
            loss.backward()
        return [p.diag_ggn_mc if mc else p.diag_ggn_exact for p in m.parameters()]
    return run


def fwd_bwd_fn(model, x, y):
    "One plain forward + backward (parameter gradients) of the mean CE loss."
    def run():
        model.zero_grad(set_to_none=True)
        F.cross_entropy(model(x), y).backward()
    return run


def time_ms(fn, min_run_time: float) -> float:
    fn()  # warm-up
    t = benchmark.Timer("fn()", globals={"fn": fn}, num_threads=torch.get_num_threads())
    return t.blocked_autorange(min_run_time=min_run_time).median * 1e3


def peak_mib(fn, device="cpu") -> float:
    "Peak tensor memory allocated during one call (see the module docstring for what this counts)."
    if device != "cpu" and torch.cuda.is_available():
        torch.cuda.synchronize(); base = torch.cuda.memory_allocated(); torch.cuda.reset_peak_memory_stats()
        fn(); torch.cuda.synchronize()
        return (torch.cuda.max_memory_allocated() - base) / 2**20
    from torch.profiler import profile, ProfilerActivity
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    evs = sorted((e for e in prof.events() if e.self_cpu_memory_usage), key=lambda e: e.time_range.start)
    cur = peak = 0
    for e in evs:
        cur += e.self_cpu_memory_usage
        peak = max(peak, cur)
    return peak / 2**20


def run(seeds=(0, 1, 2), min_run_time=0.5, device="cpu", generic=True):
    "Measure every (model, method) for each seed; returns a list of dict rows (one per seed, model, method)."
    rows = []
    for seed in seeds:
        for name, model, x, y in make_models(seed, device):
            t_fb = time_ms(fwd_bwd_fn(model, x, y), min_run_time)
            meth = {"exact": (lambda: diag_ggn_exact(model, x, y), backpack_fn(model, x, y, mc=False)),
                    "MC, 1 sample": (lambda: diag_ggn_mc(model, x, y, samples=1), backpack_fn(model, x, y, mc=True))}
            for mname, (ours, bp) in meth.items():
                r = dict(seed=seed, model=name, method=mname, fb_ms=t_fb,
                         ours_ms=time_ms(ours, min_run_time), bp_ms=time_ms(bp, min_run_time),
                         ours_mib=peak_mib(ours, device), bp_mib=peak_mib(bp, device))
                rows.append(r)
            if generic:   # the plain per-sample vmap(vjp) path, for reference: what the structured path saves
                g = lambda: diag_ggn_mc(model, x, y, samples=1, fast=False)
                rows.append(dict(seed=seed, model=name, method="MC, 1 sample, fast=False (vmap per sample)",
                                 fb_ms=t_fb, ours_ms=time_ms(g, 0.0), bp_ms=math.nan,
                                 ours_mib=peak_mib(g, device), bp_mib=math.nan))
    return rows


def _ms(vals):
    vals = [v for v in vals if not math.isnan(v)]
    if not vals: return "—"
    m = sum(vals) / len(vals)
    sd = math.sqrt(sum((v - m) ** 2 for v in vals) / (len(vals) - 1)) if len(vals) > 1 else 0.0
    return f"{m:.3g} ± {sd:.2g}" if abs(m) < 100 else f"{m:.0f} ± {sd:.0f}"


def table(rows) -> str:
    "Format the rows as a text table of mean ± sd over seeds."
    keys = list(dict.fromkeys((r["model"], r["method"]) for r in rows))
    head = ["model", "method", "tiny_onn ms", "BackPACK ms", "time ratio (ours/BP)", "tiny_onn MiB", "BackPACK MiB",
            "mem ratio (ours/BP)", "fwd+bwd ms", "ours / fwd+bwd"]
    lines = []
    for k in keys:
        rs = [r for r in rows if (r["model"], r["method"]) == k]
        lines.append([k[0], k[1], _ms([r["ours_ms"] for r in rs]), _ms([r["bp_ms"] for r in rs]),
                      _ms([r["ours_ms"] / r["bp_ms"] for r in rs]), _ms([r["ours_mib"] for r in rs]),
                      _ms([r["bp_mib"] for r in rs]), _ms([r["ours_mib"] / r["bp_mib"] for r in rs]),
                      _ms([r["fb_ms"] for r in rs]), _ms([r["ours_ms"] / r["fb_ms"] for r in rs])])
    w = [max(len(str(x)) for x in col) for col in zip(head, *lines)]
    fmt = lambda row: " | ".join(str(x).ljust(n) for x, n in zip(row, w))
    return "\n".join([fmt(head), "-+-".join("-" * n for n in w)] + [fmt(l) for l in lines])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--min-run-time", type=float, default=0.5, help="seconds per blocked_autorange measurement")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--no-generic", action="store_true", help="skip the fast=False reference rows")
    ap.add_argument("--quick", action="store_true", help="1 seed, 0.05 s per measurement, no fast=False rows (seconds)")
    ap.add_argument("--out", default="runs/bench/curvature.csv", help="result file: one CSV row per seed, model, method")
    a = ap.parse_args(argv)
    if a.quick:
        a.seeds, a.min_run_time, a.no_generic = 1, 0.05, True
    t0 = time.time()
    rows = run(tuple(range(a.seeds)), a.min_run_time, a.device, not a.no_generic)
    print(f"diag(G) benchmark: torch {torch.__version__}, device {a.device}, {torch.get_num_threads()} thread(s), "
          f"float32, CE loss, batch 128, {a.seeds} seeds (mean ± sd); time = median of torch.utils.benchmark "
          f"blocked_autorange; memory = peak tensor allocation in one call (torch.profiler, profile_memory=True)")
    print(table(rows))
    print(f"({time.time() - t0:.0f} s)")
    import pandas as pd
    from pathlib import Path
    out = Path(a.out); out.parent.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows).to_csv(out, index=False)
    print(f"wrote {out}", file=sys.stderr)
    return rows


if __name__ == "__main__":
    main()
