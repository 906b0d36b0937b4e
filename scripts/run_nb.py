#!/usr/bin/env python
"""Execute notebooks the way `nbdev_test` does (cells flagged with skipped flags are not run),
and save their outputs in place so `make docs` can render the plots.

    python scripts/run_nb.py nbs/01_curvature.ipynb            # default cells only
    python scripts/run_nb.py nbs/01_curvature.ipynb --flags slow  # also run `#| slow` cells
    python scripts/run_nb.py nbs/01_curvature.ipynb --no-save  # run, keep the file as it is
"""
import argparse, os, sys, time
from pathlib import Path

from execnb.nbio import write_nb
from execnb.shell import CaptureShell
from nbdev.config import get_config
from nbdev.process import NBProcessor


def _skip(cell, skip: set[str]) -> bool:
    "The decision nbdev_test makes: skip non-code cells, `#| eval: false`, and cells with a skipped flag."
    if cell.cell_type != "code" or "nbdev_export(" in cell.source: return True
    d = cell.directives_ or {}
    if d.get("eval:", [""])[0].lower() == "false": return True
    return bool(skip & d.keys())


def run(path: Path, flags: list[str], save: bool) -> float:
    skip = set(get_config().tst_flags.replace("|", " ").split()) - set(flags)
    nb = NBProcessor(path, rm_directives=False).nb   # reads each cell's directives, keeps its source
    cwd = os.getcwd()
    os.chdir(path.parent)
    t0 = time.time()
    try:
        CaptureShell(path, mpl_format="png").run_all(nb, exc_stop=True, preproc=lambda c: _skip(c, skip))
    finally:
        os.chdir(cwd)
        for cell in nb.cells: cell.pop("directives_", None)
    if save: write_nb(nb, path)
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
