#!/usr/bin/env bash
# bench-sparse.sh: a sparse disk image (holes with a little data), backed up and restored by Vigil and by restic in
# the same run, alternating, so that each figure has its baseline beside it.
#
#   scripts/bench-sparse.sh            (needs restic and /usr/bin/time: apt-get install -y restic time)
#
#   SPARSE_WORK   scratch directory (default /tmp/vigil-bench-sparse; removed and made again)
#   SPARSE_SIZE   apparent size of the image (default 2G, as truncate takes it)
#   SPARSE_RUNS   rounds (default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work=${SPARSE_WORK:-/tmp/vigil-bench-sparse}
runs=${SPARSE_RUNS:-3}
command -v restic >/dev/null && [[ -x /usr/bin/time ]] || { echo "needs restic and /usr/bin/time" >&2; exit 2; }
rm -rf "$work" && mkdir -p "$work/src"
truncate -s "${SPARSE_SIZE:-2G}" "$work/src/disk.img"
dd if=/dev/urandom of="$work/src/disk.img" bs=1M count=3 seek=1000 conv=notrunc status=none
export VIGIL_PASSWORD=bench RESTIC_PASSWORD=bench VIGIL_CACHE_DIR="$work/cache" RESTIC_CACHE_DIR="$work/rcache"
"$root/scripts/vigil-repo" --version >/dev/null    # builds the class archive outside the timed steps
step() {  # step TOOL STEP COMMAND...: prints wall s, CPU s and peak RSS MiB of the command
  local t0 t1
  t0=$EPOCHREALTIME
  /usr/bin/time -f "%U %S %M" -o "$work/time" "${@:3}" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  t1=$EPOCHREALTIME
  read -r u s m <"$work/time"
  printf '%s\t%s\t%.2f\t%.2f\t%d\n' "$1" "$2" "$(echo "$t1 - $t0" | bc)" "$(echo "$u + $s" | bc)" $((m / 1024))
}
printf 'tool\tstep\twall_s\tcpu_s\trss_mib\n'
for round in $(seq 1 "$runs"); do
  rm -rf "$work/vrepo" "$work/rrepo" "$work/vout" "$work/rout" "$work/cache" "$work/rcache"
  "$root/scripts/vigil-repo" init --repo "$work/vrepo" >/dev/null
  restic init --repo "$work/rrepo" >/dev/null 2>&1
  cat "$work/src/disk.img" >/dev/null    # warm page cache for both, as the shared harness does before each step
  step vigil backup "$root/scripts/vigil-repo" backup --repo "$work/vrepo" "$work/src"
  step restic backup restic backup --repo "$work/rrepo" "$work/src"
  step vigil restore "$root/scripts/vigil-repo" restore --repo "$work/vrepo" latest --target "$work/vout"
  step restic restore restic restore --repo "$work/rrepo" latest --target "$work/rout"
  cmp -s "$work/src/disk.img" "$work/vout/disk.img" || { echo "vigil: restored image differs" >&2; exit 1; }
  echo "# round $round: restored image identical; allocated: vigil $(du -k "$work/vout/disk.img" | cut -f1) KiB," \
    "restic $(du -k "$(find "$work/rout" -name disk.img)" | cut -f1) KiB"
done
