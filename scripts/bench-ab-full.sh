#!/usr/bin/env bash
# bench-ab-full.sh TREE BASE_CHECKOUT [ROUNDS]
#
# A FULL backup of TREE by this checkout and by BASE_CHECKOUT (another checkout whose backup-worker is built, e.g.
# `git worktree add /tmp/base REV && (cd /tmp/base && ./mvnw -q package -DskipTests -pl backup-worker -am)`), each
# through its scripts/vigil-repo into a new repository, alternating for ROUNDS rounds (default 3) after one untimed
# run each (the class archive, the page cache). Prints per run: round, build, wall s, user s, sys s, peak RSS KiB,
# then the ratios this/base of the medians: a change's cost measured in the same go on a shared machine.
set -euo pipefail
tree=${1:?TREE}; base=${2:?BASE_CHECKOUT}; rounds=${3:-3}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=$(mktemp -d "${TMPDIR:-/tmp}/vigil-ab.XXXXXX")
trap 'rm -rf "$work"' EXIT
export VIGIL_PASSWORD=bench
backup() { # build-dir name
  rm -rf "$work/$2"
  "$1/scripts/vigil-repo" init --repo "$work/$2" >/dev/null
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$1/scripts/vigil-repo" backup --repo "$work/$2" --level FULL \
    "$tree" >/dev/null 2>&1
}
backup "$base" base; backup "$here" this
for r in $(seq 1 "$rounds"); do
  for b in base this; do
    if [[ $b == base ]]; then backup "$base" base; else backup "$here" this; fi
    echo "$r $b $(cat "$work/time")" | tee -a "$work/runs"
  done
done
python3 - "$work/runs" <<'PY'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1])]
med = lambda b, i: statistics.median(float(r[i]) for r in runs if r[1] == b)
for i, what in ((2, "wall"), (3, "user"), (4, "sys"), (5, "peak RSS")):
    print(f"{what}: this/base {med('this', i) / med('base', i):.2f} (medians {med('this', i):g} / {med('base', i):g})")
PY
