#!/usr/bin/env python
"""Execute notebooks the way `nbdev_test` does (cells flagged with skipped flags are not run),
and save their outputs in place so `make docs` can render the plots.

    python scripts/run_nb.py nbs/01_curvature.ipynb            # default cells only
    python scripts/run_nb.py nbs/01_curvature.ipynb --flags slow  # also run `#| slow` cells
    python scripts/run_nb.py nbs/01_curvature.ipynb --no-save  # run, keep the file as it is
"""
import argparse, os, sys, time
from pathlib import Path

from execnb.nbio import read_nb, write_nb
from execnb.shell import CaptureShell
from fastcore.basics import str2bool  # noqa: F401
from nbdev.config import get_config
from nbdev.process import NBProcessor, first_code_ln  # noqa: F401
from nbdev.test import _do_eval


def run(path: Path, flags: list[str], save: bool) -> float:
    cfg = get_config()
    skip = [f for f in cfg.tst_flags.split("|") if f and f not in flags]
    nb = read_nb(path)
    for cell in nb.cells:  # same decision nbdev_test makes for each cell
        if cell.cell_type == "code":
            cell["skip"] = not _do_eval(cell, flags, skip)
    cwd = os.getcwd()
    os.chdir(path.parent)
    sh = CaptureShell(mpl_format="retina" if False else "png")
    t0 = time.time()
    try:
        sh.run_all(nb, exc_stop=True, preproc=lambda c: c.get("skip", False))
    finally:
        os.chdir(cwd)
    for cell in nb.cells:
        cell.pop("skip", None)
    if save:
        write_nb(nb, path)
    return time.time() - t0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("notebooks", nargs="+", type=Path)
    ap.add_argument("--flags", default="", help="flags to run too, e.g. 'slow' or 'slow gpu'")
    ap.add_argument("--no-save", action="store_true")
    a = ap.parse_args()
    for p in a.notebooks:
        dt = run(p.resolve(), a.flags.split(), not a.no_save)
        print(f"{p}: ran in {dt:.1f}s", file=sys.stderr)
