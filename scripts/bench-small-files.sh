#!/usr/bin/env bash
# bench-small-files.sh FILES XMX [BASE_CHECKOUT]
#
# Memory of the repository commands on a tree of many small files: backup (full, then no change), ls, diff,
# restore and check, each in a JVM capped at XMX (-XX:+ExitOnOutOfMemoryError), through scripts/vigil-repo.
# Prints one line per command: exit code (3 = out of memory), wall seconds, peak RSS. With BASE_CHECKOUT (another
# checkout whose backup-worker is built, e.g. `git worktree add /tmp/base REV && (cd /tmp/base && ./mvnw -q
# package -DskipTests -pl backup-worker -am)`), the same commands run there first: the baseline of the same go.
#
# The tree (FILES files of 1-2 KiB in 900 directories, a tenth of them chains 10-30 deep, plus one flat directory
# of FILES/4 files; seeded, so every run makes the same shape) is made once under $WORK (default
# /tmp/vigil-small-files). Example, the figures in docs/BENCHMARKS.md: scripts/bench-small-files.sh 100000 128m
set -euo pipefail
files=${1:?FILES}; xmx=${2:?XMX}; base=${3:-}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=${WORK:-/tmp/vigil-small-files}
tree=$work/tree-$files
mkdir -p "$work"
if [[ ! -d $tree ]]; then
  echo "making $tree ..." >&2
  python3 - "$tree.tmp" "$files" <<'EOF'
import os, random, sys
root, files = sys.argv[1], int(sys.argv[2])
rnd = random.Random(7)
dirs = []
for i in range(900):
    if i % 10 == 0:
        d = os.path.join(root, "deep%03d" % i, *["lvl%02d" % k for k in range(rnd.randint(10, 30))])
    elif i % 3 == 0 and dirs:
        d = os.path.join(rnd.choice(dirs), "sub%03d" % i)
    else:
        d = os.path.join(root, "d%03d" % i)
    os.makedirs(d, exist_ok=True)
    dirs.append(d)
def write(d, n, prefix):
    for j in range(n):
        with open(os.path.join(d, "%s%07d.log" % (prefix, j)), "wb") as f:
            f.write(rnd.randbytes(rnd.randint(1024, 2048)))
spread = files - files // 4
for i, d in enumerate(dirs):
    write(d, spread // 900 + (spread % 900 if i == 0 else 0), "f")
os.makedirs(os.path.join(root, "flat"))
write(os.path.join(root, "flat"), files // 4, "item-")
EOF
  mv "$tree.tmp" "$tree"
fi

export VIGIL_PASSWORD=bench
run() { # run CHECKOUT LABEL ARGS...
  local co=$1 label=$2; shift 2
  local t; t=$(mktemp)
  set +e
  VIGIL_JAVA_OPTS="-Xmx$xmx -XX:+ExitOnOutOfMemoryError" /usr/bin/time -f "%e %M" -o "$t" \
    "$co/scripts/vigil-repo" "$@" >/dev/null 2>"$t.err"
  local rc=$?
  set -e
  grep -q OutOfMemoryError "$t.err" && rc=3
  read -r wall rss < <(tail -1 "$t")
  printf '%-10s %-16s Xmx=%-5s exit=%s wall=%6ss rss=%5s MiB\n' "$(basename "$co")" "$label" "$xmx" "$rc" "$wall" \
    $((rss / 1024))
  rm -f "$t" "$t.err"
}
for co in ${base:+"$base"} "$here"; do
  repo=$work/repo-$(basename "$co"); rm -rf "$repo" "$work/restored"
  "$co/scripts/vigil-repo" init --repo "$repo" >/dev/null
  run "$co" "backup (full)" backup --repo "$repo" "$tree"
  run "$co" "backup (same)" backup --repo "$repo" "$tree"
  run "$co" "ls" ls --repo "$repo" latest
  first=$("$co/scripts/vigil-repo" snapshots --repo "$repo" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"][:8])')
  run "$co" "diff" diff --repo "$repo" "$first" latest
  run "$co" "restore" restore --repo "$repo" latest --target "$work/restored"
  run "$co" "check" check --repo "$repo"
  rm -rf "$repo" "$work/restored"
done
