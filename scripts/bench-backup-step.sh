#!/usr/bin/env bash
# One backup step of bench-backup.sh (full, noop or incr), run by the harness with BENCH_* set.
# With VIGIL_BENCH_JOURNAL=1 the collector's change journal (`vigil collector journal`, 1 s intervals) is
# started in the background right after the full backup, as a collector would run all along; the incr step
# backs up with --journal and then stops it. Its start-up and its CPU while it watches are not in any step
# (the collector runs anyway on a protected host); the harness's `other_cores` shows them.
# VIGIL_BENCH_JOURNAL_ARGS: more options for `vigil collector journal` (e.g. --max-paths N).
set -euo pipefail
run() { VIGIL_PASSWORD="$BENCH_PASSPHRASE" "$VIGIL_BENCH_SCRIPTS/vigil-repo" "$@"; }
common=(backup --repo "$BENCH_REPO" --dataset bench)
if [[ "$VIGIL_BENCH_JOURNAL" != 1 ]]; then
  run "${common[@]}" "$BENCH_SRC"
  exit
fi
w="$BENCH_CACHE/journal"
case "$BENCH_SNAPSHOT" in
  full)
    run "${common[@]}" "$BENCH_SRC"
    mkdir -p "$w"
    setsid java -XX:TieredStopAtLevel=1 -jar "$VIGIL_BENCH_DEPLOY_JAR" collector journal --dataset "bench=$BENCH_SRC" \
      --out "$w/journal.jsonl" --interval 1s ${VIGIL_BENCH_JOURNAL_ARGS:-} >/dev/null 2>"$w/err" </dev/null &
    echo $! >"$w/pid" ;;
  noop)
    # The journal must start before this backup (its parent for the next step): wait until it watches.
    for _ in $(seq 1 1200); do grep -q "^journal of dataset" "$w/err" 2>/dev/null && break; sleep 0.05; done
    grep -q "^journal of dataset" "$w/err" || { echo "collector journal did not start: $(cat "$w/err")" >&2; exit 1; }
    run "${common[@]}" "$BENCH_SRC" ;;
  incr)
    rc=0
    run "${common[@]}" --journal "$w/journal.jsonl" "$BENCH_SRC" || rc=$?
    kill -TERM "$(cat "$w/pid")" 2>/dev/null || true
    exit $rc ;;
esac
