#!/usr/bin/env python
"""Tokens/s of training forward+backward and cached generation for every block type x attention type, as ratios to
dense blocks with full attention (same run), and NSA's time/memory vs full attention as the length grows.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_model.py [--lengths 512 2048] [--nsa-lengths 512 1024 2048 4096]
"""
import argparse

import pandas as pd
import torch

from tiny_onn.layers.nsa import bench_nsa
from tiny_onn.model import bench_model

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--lengths", type=int, nargs="+", default=[512, 2048])
    ap.add_argument("--nsa-lengths", type=int, nargs="+", default=[512, 1024, 2048, 4096, 8192])
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--new-tokens", type=int, default=16)
    a = ap.parse_args()
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}")
    print("\n== model: tokens/s and ratio to dense/full ==")
    df = pd.DataFrame(bench_model(tuple(a.lengths), hidden_size=a.hidden, num_hidden_layers=a.layers, new_tokens=a.new_tokens))
    print(df.round(3).to_string(index=False))
    print("\n== NSA layer vs full attention (fwd+bwd, saved-for-backward MB) ==")
    print(pd.DataFrame(bench_nsa(tuple(a.nsa_lengths), d_model=a.hidden, n_heads=4, min_run_time=0.2)).round(3).to_string(index=False))
