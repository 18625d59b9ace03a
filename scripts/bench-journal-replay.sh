#!/usr/bin/env bash
# The backup after a day of changes, with the change journal, against restic's, replayed on one saved state so that
# every round times the same work, alternating the two tools (docs/BENCHMARKS.md, "Eleventh session").
#
#   scripts/bench-journal-replay.sh [ROUNDS]            # default 10
#
# Needs restic and ../shared/bench/gen-dataset.py. Settings (environment):
#   BJ_WORK   work directory (default /tmp/bench-journal); the saved state is kept there and reused
#   BJ_SIZE   dataset size (default 512MiB)
# Prints one line per round: wall, user+sys CPU and peak RSS of each tool, and Vigil / restic.
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}" 2>/dev/null || echo "${BASH_SOURCE[0]}")")/.." && pwd)"
gen="$root/../shared/bench/gen-dataset.py"
work="${BJ_WORK:-/tmp/bench-journal}"
rounds="${1:-10}"
vigil="$root/scripts/vigil-repo"
export VIGIL_PASSWORD=bench RESTIC_PASSWORD=bench
command -v restic >/dev/null || { echo "needs restic (apt-get install restic)" >&2; exit 1; }
[ -f "$gen" ] || { echo "needs $gen" >&2; exit 1; }

if [ ! -f "$work/ready" ]; then
  rm -rf "$work" && mkdir -p "$work"
  python3 "$gen" generate "$work/src" --size "${BJ_SIZE:-512MiB}" --seed 1 >/dev/null
  "$vigil" init --repo "$work/vrepo" >/dev/null
  restic init -q -r "$work/rrepo"
  "$vigil" backup --repo "$work/vrepo" --dataset bench "$work/src" >/dev/null
  restic -q -r "$work/rrepo" backup "$work/src" >/dev/null
  # the collector's journal, started after the full backup as it would run all along on a protected host
  java -XX:TieredStopAtLevel=1 -jar "$root/deploy/target/vigil.jar" collector journal --dataset "bench=$work/src" \
    --out "$work/journal.jsonl" --interval 1s >/dev/null 2>"$work/journal.err" &
  journal=$!
  for _ in $(seq 200); do grep -q "^journal of dataset" "$work/journal.err" && break; sleep 0.1; done
  "$vigil" backup --repo "$work/vrepo" --dataset bench "$work/src" >/dev/null
  restic -q -r "$work/rrepo" backup "$work/src" >/dev/null
  python3 "$gen" mutate "$work/src" --seed 1 --day 1 >/dev/null
  sync && sleep 3 && kill "$journal"
  cp -a "$work/vrepo" "$work/vrepo.base" && cp -a "$work/rrepo" "$work/rrepo.base"
  touch "$work/ready"
fi

timed() { /usr/bin/time -o "$work/time" -f "%e %U %S %M" "$@" >"$work/out" 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
          read -r w u s m <"$work/time"; T="$w $(echo "$u + $s" | bc) $((m / 1024))"; }
for i in $(seq "$rounds"); do
  rm -rf "$work/vrepo" "$work/rrepo"
  cp -a "$work/vrepo.base" "$work/vrepo" && cp -a "$work/rrepo.base" "$work/rrepo" && sync
  timed restic -q -r "$work/rrepo" backup "$work/src"
  read -r rw rc rm <<<"$T"
  # the journal ended when the state was saved: --journal-max-lag lets a replay use it
  timed "$vigil" backup --repo "$work/vrepo" --dataset bench --journal "$work/journal.jsonl" \
    --journal-max-lag 3650d "$work/src"
  read -r vw vc vm <<<"$T"
  grep -q "change journal used" "$work/out" || { echo "the journal was not used: $(cat "$work/out")" >&2; exit 1; }
  printf "round %d  load %s  restic %ss %s cpu %s MiB  vigil %ss %s cpu %s MiB  vigil/restic %.2f\n" "$i" \
    "$(cut -d' ' -f1 /proc/loadavg)" "$rw" "$rc" "$rm" "$vw" "$vc" "$vm" "$(echo "$vw / $rw" | bc -l)"
done
