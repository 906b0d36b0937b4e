#!/usr/bin/env bash
# Run every notebook under nbdev_test (two at a time, one torch thread each), then check that
# nbdev_export leaves tiny_onn/ unchanged. Ends with one line `N passed, N failed`.
set -u
cd "$(dirname "$0")/.."
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} MKL_NUM_THREADS=${MKL_NUM_THREADS:-1} MPLBACKEND=Agg
export TINY_ONN_TEST=1
logs=$(mktemp -d)
jobs=${TEST_JOBS:-2}
flags=${TEST_FLAGS:-}

run_one() {  # $1 = notebook; writes $logs/<name>.{log,ok,fail}
  local nb=$1 name; name=$(basename "$nb" .ipynb)
  local t0=$SECONDS
  if nbdev_test --path "$nb" --n_workers 0 ${flags:+--flags "$flags"} >"$logs/$name.log" 2>&1; then
    echo "PASS $nb ($((SECONDS - t0))s)"; touch "$logs/$name.ok"
  else
    echo "FAIL $nb ($((SECONDS - t0))s)"; touch "$logs/$name.fail"
  fi
}
export -f run_one; export logs flags

notebooks=$(ls nbs/*.ipynb | grep -v '/_')
printf '%s\n' $notebooks | xargs -P "$jobs" -I{} bash -c 'run_one {}'

for f in "$logs"/*.fail; do
  [ -e "$f" ] || continue
  n=$(basename "$f" .fail); echo "----- $n -----"; tail -n 40 "$logs/$n.log"
done

# The package must be exactly what the notebooks export.
if nbdev_export >"$logs/export.log" 2>&1 && [ -z "$(git status --porcelain -- tiny_onn)" ]; then
  echo "PASS export in sync"; touch "$logs/export.ok"
else
  echo "FAIL export: nbdev_export changed tiny_onn/ (or failed):"; cat "$logs/export.log"
  git status --porcelain -- tiny_onn; touch "$logs/export.fail"
fi

# README.md is generated from nbs/index.ipynb.
if python scripts/build_docs.py --readme && git diff --quiet -- README.md; then
  echo "PASS README in sync with nbs/index.ipynb"; touch "$logs/readme.ok"
else
  echo "FAIL README.md differs from what nbs/index.ipynb generates (run: make docs, commit README.md)"
  git diff --stat -- README.md; touch "$logs/readme.fail"
fi

passed=$(ls "$logs"/*.ok 2>/dev/null | wc -l); failed=$(ls "$logs"/*.fail 2>/dev/null | wc -l)
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
