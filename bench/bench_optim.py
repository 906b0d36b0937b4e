"""Helpers for the tiny_onn.optim notebooks (nbs/10_optim, nbs/11_adr0009_natural_wd, nbs/12_optim_bench).

Lives in an importable file (not a notebook cell) so `torch.multiprocessing.spawn` can pickle the DDP worker,
and so the benchmarks can be run from a shell (the notebooks run these in a subprocess and read the result file):

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_optim.py ddp [--steps 6] [--out runs/bench/ddp.json]   # 2-process gloo DDP check
    .venv/bin/python bench/bench_optim.py step-cost [--reps 20] [--batch 16] [--quick]             # 12: step() vs AdamW
    .venv/bin/python bench/bench_optim.py train --name adamw --lrs 1e-3 3e-3 [--seeds 0 1 2] [--steps 40]   # 12: quality
    .venv/bin/python bench/bench_optim.py wd-ablation [--wds 0.1 0.01] [--steps 300] [--quick]     # 11: ADR-0009 arms
    .venv/bin/python bench/bench_optim.py decay-rate [--warm-steps 20] [--wd 0.1]                  # 11: IMP-003
    .venv/bin/python bench/bench_optim.py SUBCOMMAND --help
"""
from __future__ import annotations

import math, os, sys, tempfile

import torch
from torch import nn


# ----------------------------------------------------------------------------------------------- DDP check
def _ddp_net(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 4)).double()


def _ddp_data(seed: int = 1, n: int = 32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, 6, generator=g, dtype=torch.float64), torch.randint(0, 4, (n,), generator=g)


def _make_opt(kind: str, params):
    from tiny_onn.optim import AdaRMSuon, ARS2Neo
    if kind == "adarmsuon":
        return AdaRMSuon(params, lr=1e-2, weight_decay=0.1, weight_decay_mode="natural_projected")
    if kind == "ars2neo":
        return ARS2Neo(params, lr=1e-2, weight_decay=0.1, rho=0.05, k=2)
    raise ValueError(kind)


def train_params(kind: str, steps: int, model: nn.Module, x, y) -> dict:
    "Run `steps` steps of optimizer `kind` on (x, y) with the mean CE loss; returns the final parameters."
    from tiny_onn.optim import optimizer_step
    opt = _make_opt(kind, model.parameters())
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            return loss
        optimizer_step(opt, closure)
    return {k: v.detach().clone() for k, v in model.named_parameters()}


def ddp_worker(rank: int, world: int, port: int, out_dir: str, kinds: tuple, steps: int) -> None:
    "One rank: DDP over gloo on CPU, each rank on its half of the batch; saves its final parameters."
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    os.environ["MASTER_ADDR"], os.environ["MASTER_PORT"] = "127.0.0.1", str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        x, y = _ddp_data()
        n = x.shape[0] // world
        xs, ys = x[rank * n:(rank + 1) * n], y[rank * n:(rank + 1) * n]
        res = {}
        for kind in kinds:
            model = DDP(_ddp_net())
            p = train_params(kind, steps, model, xs, ys)
            res[kind] = {k.removeprefix("module."): v for k, v in p.items()}
        torch.save(res, os.path.join(out_dir, f"rank{rank}.pt"))
    finally:
        dist.destroy_process_group()


def run_ddp_check(kinds=("adarmsuon", "ars2neo"), steps: int = 6, world: int = 2) -> dict:
    """Spawn `world` CPU processes (gloo); returns {kind: (max |rank0 − rank1|, max |rank0 − single process|)}."""
    import socket
    import torch.multiprocessing as mp
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as d:
        mp.spawn(ddp_worker, args=(world, port, d, tuple(kinds), steps), nprocs=world, join=True)
        ranks = [torch.load(os.path.join(d, f"rank{r}.pt")) for r in range(world)]
    x, y = _ddp_data()
    out = {}
    for kind in kinds:
        single = train_params(kind, steps, _ddp_net(), x, y)
        across = max((ranks[0][kind][k] - ranks[r][kind][k]).abs().max().item() for r in range(1, world) for k in single)
        vs_single = max((ranks[0][kind][k] - single[k]).abs().max().item() for k in single)
        moved = max((single[k] - v).abs().max().item() for k, v in _ddp_net().named_parameters())
        out[kind] = (across, vs_single, moved)
    return out


# ----------------------------------------------------------------------------------------------- LM benchmarks
class LogitsOnly(nn.Module):
    "`TinyOnnForCausalLM` returns an output object; the losses here and the curvature products need `model(inputs) -> logits`."
    def __init__(self, lm: nn.Module):
        super().__init__(); self.lm = lm

    def forward(self, x):
        return self.lm(input_ids=x, use_cache=False).logits


LM_SIZE = dict(vocab_size=256, d_model=32, n_layers=2, n_heads=2, seq_len=32)   # the "tiny" scale of nbs/11, nbs/12
BATCH = 8


def lm_config(vocab_size: int, d_model: int, n_layers: int, n_heads: int, seq_len: int):
    """The dense `TinyOnnConfig` of that size: RoPE, RMSNorm, SwiGLU, head tied to the embedding (the config's default),
    init normal(0, 0.02) with the residual projections at 0.02/sqrt(2L); no dropout."""
    from tiny_onn.model import TinyOnnConfig
    return TinyOnnConfig(vocab_size=vocab_size, hidden_size=d_model, num_hidden_layers=n_layers, num_attention_heads=n_heads,
                         max_position_embeddings=seq_len, block_type="dense")


def make_lm(seed: int, **size) -> nn.Module:
    "A dense `TinyOnnForCausalLM` of size `LM_SIZE` (overridden by `size`), seeded, returning logits only."
    from tiny_onn.model import TinyOnnForCausalLM
    torch.manual_seed(seed)
    return LogitsOnly(TinyOnnForCausalLM(lm_config(**{**LM_SIZE, **size})))


class Paired:
    "Muon on 2-D hidden matrices + AdamW on the rest (torch.optim.Muon takes 2-D params only)."
    def __init__(self, *opts):
        self.opts = opts
        self.param_groups = [g for o in opts for g in o.param_groups]

    def zero_grad(self, set_to_none: bool = True):
        for o in self.opts: o.zero_grad(set_to_none=set_to_none)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad(): loss = closure()
        for o in self.opts: o.step()
        return loss

    def state_dict(self):
        return [o.state_dict() for o in self.opts]


def make_optimizer(name: str, model: nn.Module, lr: float, *, wd: float = 0.01, **kw):
    """Optimizer `name` for `model` at learning rate `lr` (LayerwiseGN: `lr` is the max step of its line search,
    `damping` in kw). Names: adamw, muon, soap, adarmsuon-{decoupled,natural,natural_projected}, ars2neo, gn."""
    from tiny_onn.optim import AdaRMSuon, ARS2Neo, LayerwiseGN, split_params
    if name == "adamw":
        return torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd, foreach=True)
    if name == "muon":
        g = split_params(model)
        mats = [p for gr in g if gr["ortho"] for p in gr["params"] if p.ndim == 2]
        rest = [p for p in model.parameters() if all(p is not q for q in mats)]
        return Paired(torch.optim.Muon(mats, lr=lr, weight_decay=wd, adjust_lr_fn="match_rms_adamw"),
                      torch.optim.AdamW(rest, lr=kw.get("adam_lr", 3e-3), weight_decay=wd, foreach=True))
    if name == "soap":
        import heavyball
        heavyball.utils.compile_mode = None
        return heavyball.SOAP(model.parameters(), lr=lr, weight_decay=wd)
    if name.startswith("adarmsuon"):
        mode = name.split("-", 1)[1] if "-" in name else "decoupled"
        groups = split_params(model)
        if kw.get("mode_on_ortho_only"):  # ADR-0009 ablation: the mode applies to the matrices, AdamW track stays decoupled
            for g in groups:
                g["weight_decay_mode"] = mode if g["ortho"] else "decoupled"
        return AdaRMSuon(groups, lr=lr, weight_decay=wd, weight_decay_mode=mode)
    if name == "ars2neo":
        return ARS2Neo(split_params(model), lr=lr, weight_decay=wd, rho=kw.get("rho", 0.05), k=kw.get("k", 3))
    if name == "gn":
        blocks = kw.get("blocks") or transformer_blocks(model)
        return LayerwiseGN(model, lr=lr, damping=kw.get("damping", 0.1), cg_iters=kw.get("cg_iters", 4),
                           blocks=blocks, line_search=True, ls_steps=4, curvature=None)
    raise ValueError(f"unknown optimizer {name!r}")


def transformer_blocks(model: nn.Module) -> list[list[str]]:
    """Coarse layer blocks for LayerwiseGN on the LM: embedding(+tied head), each transformer block (`...layers.i`), the
    final norm (an untied head would be one more)."""
    groups: dict[str, list[str]] = {}
    for n, p in model.named_parameters():
        parts = n.split(".")
        key = ".".join(parts[:parts.index("layers") + 2] if "layers" in parts else parts[:-1])
        groups.setdefault(key, []).append(n)
    return list(groups.values())


def val_batches(corpus, n: int = 4, seed: int = 1234):
    from tiny_onn.data.text import get_batch
    g = torch.Generator().manual_seed(seed)
    return [get_batch(corpus.valid, 32, LM_SIZE["seq_len"], g) for _ in range(n)]


@torch.no_grad()
def evaluate(model, vb) -> float:
    return sum(nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten()).item() for x, y in vb) / len(vb)


def train_run(name: str, lr: float, seed: int, steps: int, corpus, vb, *, eval_every: int = 10,
              size: dict | None = None, track=None, **kw) -> dict:
    """Train the tiny LM with optimizer `name`; returns {'step','time','val','train'} lists (time excludes eval)."""
    import time
    from tiny_onn.data.text import get_batch
    from tiny_onn.optim import optimizer_step
    model = make_lm(seed, **(size or {}))
    opt = make_optimizer(name, model, lr, **kw)
    g = torch.Generator().manual_seed(10_000 + seed)
    hist = {"step": [0], "time": [0.0], "val": [evaluate(model, vb)], "train": [float("nan")]}
    elapsed = 0.0
    for t in range(1, steps + 1):
        x, y = get_batch(corpus.train, BATCH, LM_SIZE["seq_len"] if size is None else size.get("seq_len", LM_SIZE["seq_len"]), g)
        t0 = time.perf_counter()
        def closure():
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x).flatten(0, 1), y.flatten())
            loss.backward()
            return loss
        loss = optimizer_step(opt, closure, batch=(x, y))
        elapsed += time.perf_counter() - t0
        if track is not None:
            track(t, model, opt)
        if t % eval_every == 0 or t == steps:
            v = evaluate(model, vb)
            hist["step"].append(t); hist["time"].append(elapsed); hist["val"].append(v); hist["train"].append(float(loss.detach()) if torch.is_tensor(loss) else float("nan"))
            if not math.isfinite(v):
                break
    return hist


def state_floats_per_param(opt, model) -> float:
    "Optimizer state (tensors) in float32-equivalents per model parameter."
    opts = opt.opts if isinstance(opt, Paired) else [opt]
    seen, nbytes = set(), 0
    def walk(v):
        nonlocal nbytes
        if torch.is_tensor(v):
            if v.numel() > 1 and v.data_ptr() not in seen:
                seen.add(v.data_ptr()); nbytes += v.numel() * v.element_size()
        elif isinstance(v, dict):
            for u in v.values(): walk(u)
        elif isinstance(v, (list, tuple)):
            for u in v: walk(u)
    for o in opts:
        walk(dict(o.state))
    return nbytes / 4 / sum(p.numel() for p in model.parameters())


def step_cost(names=("adamw", "adarmsuon-decoupled", "ars2neo", "muon", "soap"), reps: int = 20,
              size: dict | None = None, batch: int = 16) -> dict:
    """Median wall time of `step()` alone (grads fixed) per optimizer, interleaved round-robin to share the
    machine's noise; plus the whole train step (forward+backward+step) for AdamW and AdaRMSuon, and the time of the
    Newton–Schulz calls alone on AdaRMSuon's matrices. ARS2Neo is timed on a lazy step (k large, no closure
    re-evaluation: its `step` with a closure that only returns the loss)."""
    import time, statistics
    from tiny_onn.optim import newton_schulz, split_params
    from tiny_onn.data.text import ByteTokenizer  # noqa: F401  (layering: notebooks may import anything)
    size = {**LM_SIZE, **(size or {})}
    torch.manual_seed(0)
    x = torch.randint(0, 256, (batch, size["seq_len"])); y = torch.randint(0, 256, (batch, size["seq_len"]))
    models, opts = {}, {}
    for n in names:
        m = make_lm(0, **size); models[n] = m
        opts[n] = make_optimizer(n, m, 1e-3, **({"k": 10**9} if n == "ars2neo" else {}))
        nn.functional.cross_entropy(m(x).flatten(0, 1), y.flatten()).backward()
        grads = {k: p.grad.clone() for k, p in m.named_parameters()}
        models[n]._grads = grads
    closures = {}
    for n in names:
        m = models[n]
        def c(m=m):
            for k, p in m.named_parameters(): p.grad = m._grads[k].clone() if p.grad is None else p.grad.copy_(m._grads[k])
            return torch.zeros(())
        closures[n] = c
    times = {n: [] for n in names}
    for r in range(reps + 3):
        for n in names:
            if n == "ars2neo":
                opts[n].global_step = 1  # keep it on lazy steps (k huge): one closure call, no perturbation
                closures[n]()
                t0 = time.perf_counter(); opts[n].step(lambda: torch.zeros(())); dt = time.perf_counter() - t0
            else:
                closures[n]()
                t0 = time.perf_counter(); opts[n].step(); dt = time.perf_counter() - t0
            if r >= 3: times[n].append(dt)
    med = {n: statistics.median(v) for n, v in times.items()}
    # Newton–Schulz alone on the ortho-track matrices
    ars = opts["adarmsuon-decoupled"]
    mats = [p.grad for g in ars.param_groups if g["ortho"] for p in g["params"]]
    ns_t = []
    for r in range(reps + 3):
        t0 = time.perf_counter()
        for M in mats: newton_schulz(M)
        if r >= 3: ns_t.append(time.perf_counter() - t0)
    # whole train step
    whole_t = {"adamw": [], "adarmsuon-decoupled": []}
    for r in range(reps + 3):  # interleaved, so load changes on the shared machine hit both alike
        for n in whole_t:
            m = models[n]; o = opts[n]
            t0 = time.perf_counter()
            o.zero_grad(); nn.functional.cross_entropy(m(x).flatten(0, 1), y.flatten()).backward(); o.step()
            if r >= 3: whole_t[n].append(time.perf_counter() - t0)
    whole = {n: statistics.median(v) for n, v in whole_t.items()}
    floats = {n: state_floats_per_param(opts[n], models[n]) for n in names}
    return dict(step=med, ns=statistics.median(ns_t), whole=whole, floats=floats,
                params=sum(p.numel() for p in models["adamw"].parameters()), size=size, batch=batch)


# ----------------------------------------------------------------------------------------------- ADR-0009 ablation
def wd_ablation_run(mode: str, seed: int, steps: int, corpus, vb, *, lr: float = 3e-3, wd: float = 0.1,
                    checkpoints=None, ortho_only: bool = True) -> dict:
    """AdaRMSuon with weight_decay_mode `mode` on the tiny LM. Returns the validation history plus IMP-003 data:
    ortho-track parameter norms at checkpoints, and per element of the ortho-track matrices (final step)
    v̂, |θ_init| and |θ_final|."""
    checkpoints = set(checkpoints or [])
    norms = {}
    state = {}

    def track(t, model, opt):
        if t == 1:
            state["opt"] = opt
        if t in checkpoints:
            norms[t] = {n: p.detach().norm().item() for gr in opt.param_groups if gr["ortho"]
                        for n, p in zip(gr["names"], gr["params"])}
    init = {n: p.detach().clone() for n, p in make_lm(seed).named_parameters()}
    h = train_run(f"adarmsuon-{mode}", lr, seed, steps, corpus, vb, eval_every=min(10, steps), track=track, wd=wd,
                  mode_on_ortho_only=ortho_only)
    opt = state["opt"]
    vhat, th0, th1 = [], [], []
    for gr in opt.param_groups:
        if not gr["ortho"]:
            continue
        for n, p in zip(gr["names"], gr["params"]):
            vhat.append(opt.curvature(p).flatten()); th0.append(init[n].flatten()); th1.append(p.detach().flatten())
    h.update(norms=norms, vhat=torch.cat(vhat), theta0=torch.cat(th0), theta1=torch.cat(th1))
    return h


def decay_rate_by_vhat(corpus, seed: int = 0, warm_steps: int = 20, lr: float = 3e-3, wd: float = 0.1, bins: int = 5) -> dict:
    """IMP-003, measured directly: train `warm_steps` AdaRMSuon steps (decoupled), then from that same state take one
    step per mode with `wd` and with 0 (same gradient); the per-element relative decay −(Δ_wd − Δ_0)/θ of the
    orthogonal-track matrices, median per quantile bin of v̂. Returns {mode: [median rate per bin]} and bin edges."""
    import copy
    from tiny_onn.data.text import get_batch
    from tiny_onn.optim import WD_MODES
    model = make_lm(seed); opt = make_optimizer("adarmsuon-decoupled", model, lr, wd=wd, mode_on_ortho_only=True)
    g = torch.Generator().manual_seed(seed)
    def closure_for(m, o, x, y):
        def c():
            o.zero_grad(); l = nn.functional.cross_entropy(m(x).flatten(0, 1), y.flatten()); l.backward(); return l
        return c
    for _ in range(warm_steps):
        x, y = get_batch(corpus.train, BATCH, LM_SIZE["seq_len"], g); opt.step(closure_for(model, opt, x, y))
    x, y = get_batch(corpus.train, BATCH, LM_SIZE["seq_len"], g)
    out = {}
    for mode in WD_MODES:
        deltas = []
        for w in (wd, 0.0):
            m2 = copy.deepcopy(model); o2 = make_optimizer(f"adarmsuon-{mode}", m2, lr, wd=w, mode_on_ortho_only=True)
            o2.load_state_dict(copy.deepcopy(opt.state_dict()))  # torch shares state tensors otherwise
            for gr in o2.param_groups:
                gr["weight_decay"] = w; gr["weight_decay_mode"] = mode if gr["ortho"] else "decoupled"
            before = {n: p.detach().clone() for n, p in m2.named_parameters()}
            o2.step(closure_for(m2, o2, x, y))
            deltas.append({n: p.detach() - before[n] for n, p in m2.named_parameters()})
        names = [n for gr in opt.param_groups if gr["ortho"] for n in gr["names"]]
        params = dict(model.named_parameters())
        rate = torch.cat([(-(deltas[0][n] - deltas[1][n]) / params[n].detach()).flatten() for n in names])
        vh = torch.cat([opt.curvature(params[n]).flatten() for n in names])
        out[mode] = (rate, vh)
    vh = out["decoupled"][1].double().log10()
    q = torch.quantile(vh, torch.linspace(0, 1, bins + 1, dtype=torch.float64))
    b = torch.bucketize(vh, q[1:-1])
    med = {m: [r[b == i].median().item() for i in range(bins)] for m, (r, _) in out.items()}
    return {"rate": med, "edges": (10 ** q).tolist(), "lr_wd": lr * wd}


def _jsonable(v):
    "Tensors to lists, tuple keys to strings: what json.dumps needs (NaN/inf stay as Python's json writes them)."
    if torch.is_tensor(v):
        return v.tolist()
    if isinstance(v, dict):
        return {str(k): _jsonable(u) for k, u in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(u) for u in v]
    return v


def _write(out: str, obj) -> None:
    "JSON, or torch.save when the name ends in .pt (keeps tensors as tensors)."
    from pathlib import Path
    import json
    p = Path(out); p.parent.mkdir(parents=True, exist_ok=True)
    if p.suffix == ".pt":
        torch.save(obj, p)
    else:
        p.write_text(json.dumps(_jsonable(obj), indent=1) + "\n")
    print(f"wrote {p}", file=sys.stderr)


def _corpus():
    from tiny_onn.data.text import load_text_corpus
    corpus = load_text_corpus("shakespeare")
    return corpus, val_batches(corpus)


def print_step_cost(r: dict, reps: int) -> None:
    "The step-cost table: ms per step() and × AdamW side by side, state floats/param, Newton–Schulz share, whole step."
    import pandas as pd
    base = r["step"]["adamw"]
    rows = [(n, 1e3 * t, t / base, r["floats"][n]) for n, t in r["step"].items()]
    df = pd.DataFrame(rows, columns=["optimizer", "step ms", "× AdamW", "state floats/param"]).set_index("optimizer")
    print(f"batch {r['batch']}×{r['size']['seq_len']} tokens, {r['params']:,} params, median of {reps}")
    print(df.round(3).to_string())
    if "adarmsuon-decoupled" in r["step"]:
        ars = r["step"]["adarmsuon-decoupled"]
        print(f"Newton–Schulz share of AdaRMSuon's step: {r['ns'] / ars:.0%} (NS alone, one call per matrix: {1e3 * r['ns']:.2f} ms)")
        wh = r["whole"]
        print(f"whole train step (fwd+bwd+step): AdamW {1e3 * wh['adamw']:.1f} ms, AdaRMSuon {1e3 * wh['adarmsuon-decoupled']:.1f} ms "
              f"-> ratio {wh['adarmsuon-decoupled'] / wh['adamw']:.2f}x (goal <= 1.10x)")


def main(argv=None):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("ddp", help="2-process gloo DDP check: ranks identical and equal to one process on the full batch")
    d.add_argument("--kinds", nargs="+", default=["adarmsuon", "ars2neo"])
    d.add_argument("--steps", type=int, default=6)
    d.add_argument("--world", type=int, default=2)
    d.add_argument("--out", default="runs/bench/ddp.json", help="result file (JSON)")
    sc = sub.add_parser("step-cost", help="step() alone per optimizer vs AdamW (12_optim_bench, benchmark 1)")
    sc.add_argument("--names", nargs="+", default=["adamw", "adarmsuon-decoupled", "ars2neo", "muon", "soap"])
    sc.add_argument("--reps", type=int, default=20, help="interleaved timed rounds (after 3 warm-up rounds); medians")
    sc.add_argument("--batch", type=int, default=16)
    sc.add_argument("--quick", action="store_true", help="the notebook's default run: 5 rounds, batch 16")
    sc.add_argument("--out", default="runs/bench/step_cost.json", help="result file (JSON)")
    tr = sub.add_parser("train", help="train the tiny LM on Shakespeare; validation-loss histories (12_optim_bench, benchmark 2)")
    tr.add_argument("--name", required=True, help="adamw, muon, soap, adarmsuon-{decoupled,natural,natural_projected}, ars2neo, gn")
    tr.add_argument("--lrs", type=float, nargs="+", default=[3e-3])
    tr.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    tr.add_argument("--steps", type=int, default=40)
    tr.add_argument("--eval-every", type=int, default=10)
    tr.add_argument("--damping", type=float, nargs="+", default=None, help="LayerwiseGN only: a damping grid")
    tr.add_argument("--cg-iters", type=int, default=None, help="LayerwiseGN only")
    tr.add_argument("--quick", action="store_true", help="the notebook's default run: 40 steps, eval every 20, seeds 0 1 2")
    tr.add_argument("--out", default="runs/bench/train.json", help="result file (JSON): one row per (lr, damping, seed)")
    wa = sub.add_parser("wd-ablation", help="AdaRMSuon weight-decay modes on the tiny LM (11_adr0009_natural_wd)")
    wa.add_argument("--modes", nargs="+", default=None, help="default: every tiny_onn.optim.WD_MODES")
    wa.add_argument("--wds", type=float, nargs="+", default=[0.1])
    wa.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    wa.add_argument("--steps", type=int, default=40)
    wa.add_argument("--quick", action="store_true", help="the notebook's default run: 40 steps, wd 0.1, seeds 0 1 2")
    wa.add_argument("--out", default="runs/bench/wd_ablation.pt", help="result file (.pt keeps the v̂ tensors; .json)")
    dr = sub.add_parser("decay-rate", help="IMP-003: per-step relative decay of θ per v̂ quintile, one step per mode")
    dr.add_argument("--seed", type=int, default=0)
    dr.add_argument("--warm-steps", type=int, default=20)
    dr.add_argument("--wd", type=float, default=0.1)
    dr.add_argument("--out", default="runs/bench/decay_rate.json", help="result file (JSON)")
    a = ap.parse_args(argv)
    if a.cmd == "ddp":
        res = run_ddp_check(tuple(a.kinds), steps=a.steps, world=a.world)
        rows = [dict(kind=k, across_ranks=across, vs_single=vs, moved=moved) for k, (across, vs, moved) in res.items()]
        for r in rows:
            print(f"{r['kind']}: max|rank0−rank1| = {r['across_ranks']:.1e}   max|DDP − single process| = {r['vs_single']:.1e}   "
                  f"(params moved {r['moved']:.2f})")
        _write(a.out, dict(steps=a.steps, world=a.world, rows=rows))
    elif a.cmd == "step-cost":
        torch.set_num_threads(1)
        reps, batch = (5, 16) if a.quick else (a.reps, a.batch)
        r = step_cost(tuple(a.names), reps=reps, batch=batch)
        print_step_cost(r, reps)
        _write(a.out, dict(r, reps=reps))
    elif a.cmd == "train":
        torch.set_num_threads(1)
        steps, every, seeds = (40, 20, [0, 1, 2]) if a.quick else (a.steps, a.eval_every, a.seeds)
        corpus, vb = _corpus()
        kw = {} if a.cg_iters is None else dict(cg_iters=a.cg_iters)
        rows = []
        for lr in a.lrs:
            for damping in (a.damping or [None]):
                extra = kw if damping is None else dict(kw, damping=damping)
                for s in seeds:
                    h = train_run(a.name, lr, s, steps, corpus, vb, eval_every=every, **extra)
                    rows.append(dict(name=a.name, lr=lr, damping=damping, seed=s, steps=steps, **h))
                    print(f"{a.name} lr={lr:g}{'' if damping is None else f' damping={damping:g}'} seed={s}: "
                          f"val loss {h['val'][0]:.3f} -> {h['val'][-1]:.3f} after {h['step'][-1]} steps, {h['time'][-1]:.1f} s")
        _write(a.out, dict(rows=rows))
    elif a.cmd == "wd-ablation":
        from tiny_onn.optim import WD_MODES
        torch.set_num_threads(1)
        steps, wds, seeds = (40, [0.1], [0, 1, 2]) if a.quick else (a.steps, a.wds, a.seeds)
        corpus, vb = _corpus()
        cps = sorted({2, 5, 10, 15, 20, 25} | {max(1, steps * k // 5) for k in range(1, 6)})
        rows = []
        for wd in wds:
            for m in (a.modes or WD_MODES):
                for s in seeds:
                    h = wd_ablation_run(m, s, steps, corpus, vb, wd=wd, checkpoints=cps)
                    rows.append(dict(mode=m, wd=wd, seed=s, steps=steps, **h))
                    print(f"{m} wd={wd:g} seed={s}: val loss {h['val'][0]:.3f} -> {h['val'][-1]:.3f} after {h['step'][-1]} steps")
        _write(a.out, dict(rows=rows, checkpoints=cps))
    elif a.cmd == "decay-rate":
        torch.set_num_threads(1)
        corpus, _ = _corpus()
        r = decay_rate_by_vhat(corpus, seed=a.seed, warm_steps=a.warm_steps, wd=a.wd)
        print(f"per-step relative decay of θ (median per v̂ quintile; lr·wd = {r['lr_wd']:.1e}):")
        for m, v in r["rate"].items():
            print(f"  {m:18s}", "  ".join(f"{x:.2e}" for x in v))
        _write(a.out, dict(r, seed=a.seed, warm_steps=a.warm_steps, wd=a.wd))


if __name__ == "__main__":
    main()
