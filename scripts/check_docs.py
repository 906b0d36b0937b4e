#!/usr/bin/env python
"""Open every page of _docs/ in headless Chromium and check that it loads and that every image on it
has decoded (naturalWidth > 0), and that it shows as many images as its notebook has plots
(`_docs/manifest.json`, written by build_docs.py). Exits non-zero, naming the page, when one does not.

Needs Debian's `chromium` and `chromium-driver` (apt-get install -y chromium chromium-driver) and
selenium (in the dev extras).
"""
import json, shutil, sys, tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "_docs"


def driver():
    chrome, drv = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chrome and drv):
        sys.exit("chromium/chromedriver not found: apt-get install -y chromium chromium-driver")
    o = webdriver.ChromeOptions()
    o.binary_location = chrome
    for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tempfile.mkdtemp()}"]:
        o.add_argument(a)
    return webdriver.Chrome(service=Service(drv), options=o)


def check(d, page: Path) -> tuple[int, int, list[str]]:
    d.get(page.as_uri())
    if d.execute_script("return document.readyState") != "complete":
        return 0, 0, ["page did not finish loading"]
    imgs = d.execute_script(
        "return Array.from(document.images).map(i => [i.complete && i.naturalWidth > 0, (i.src||'').slice(0, 40)])")
    bad = [src for ok, src in imgs if not ok]
    links = d.execute_script("return Array.from(document.querySelectorAll('a[href$=\".html\"]')).map(a => a.getAttribute('href'))")
    missing = [l for l in links if not l.startswith("http") and not (page.parent / l.split("#")[0]).exists()]
    return len(imgs), len(bad), [f"broken image {b}" for b in bad] + [f"dangling link {m}" for m in missing]


if __name__ == "__main__":
    pages = sorted(DOCS.glob("*.html"))
    if not pages:
        sys.exit("no pages in _docs/: run `make docs` first")
    expected = json.loads((DOCS / "manifest.json").read_text())
    d = driver()
    failed = 0
    try:
        for p in pages:
            n, nbad, problems = check(d, p)
            if n - nbad < expected.get(p.name, 0):
                problems.append(f"shows {n - nbad} images, its notebook has {expected[p.name]}")
            status = "ok" if not problems else "FAIL"
            failed += bool(problems)
            print(f"{status:4} {p.name:32} {n:3} images" + ("" if not problems else "  " + "; ".join(problems[:5])))
    finally:
        d.quit()
    print(f"{len(pages) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
