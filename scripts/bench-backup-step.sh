#!/usr/bin/env bash
# One backup step of bench-backup.sh (full, noop or incr), run by the harness with BENCH_* set.
# With VIGIL_BENCH_JOURNAL=1 the noop step first starts an inotify watcher, and the incr step turns
# what it saw into a change journal (FileActivity JSON lines) and backs up with --journal.
set -euo pipefail
run() { VIGIL_PASSWORD="$BENCH_PASSPHRASE" exec java $VIGIL_BENCH_OPTS -cp "$VIGIL_BENCH_JAR" dev.vigil.backup.cli.RepoMain "$@"; }
common=(backup --repo "$BENCH_REPO" --dataset bench)
if [[ "$VIGIL_BENCH_JOURNAL" != 1 ]]; then run "${common[@]}" "$BENCH_SRC"; fi
w="$BENCH_CACHE/watch"
case "$BENCH_SNAPSHOT" in
  noop)
    mkdir -p "$w"
    date -u +%Y-%m-%dT%H:%M:%S.%NZ >"$w/start"
    setsid inotifywait -m -r --format '%e|%w%f' -e modify,create,delete,move,attrib,close_write "$BENCH_SRC" \
      >"$w/events" 2>"$w/err" </dev/null &
    echo $! >"$w/pid"
    for _ in $(seq 1 600); do grep -q "Watches established" "$w/err" 2>/dev/null && break; sleep 0.05; done
    run "${common[@]}" "$BENCH_SRC" ;;
  incr)
    kill "$(cat "$w/pid")" 2>/dev/null || true
    python3 - "$BENCH_SRC" "$w" >"$w/journal.jsonl" <<'PY'
import json, sys, datetime
src, w = sys.argv[1].rstrip("/") + "/", sys.argv[2]
changed, deleted, complete = set(), set(), True
for line in open(w + "/events", encoding="utf-8", errors="surrogateescape"):
    ev, _, path = line.rstrip("\n").partition("|")
    if "Q_OVERFLOW" in ev or not path.startswith(src):
        complete = False
        continue
    rel = path[len(src):]
    if any(e in ev for e in ("DELETE", "MOVED_FROM")):
        deleted.add(rel); changed.discard(rel)
    else:
        changed.add(rel)
now = datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z")
print(json.dumps({"dataset": "bench", "intervalStart": open(w + "/start").read().strip(), "intervalEnd": now,
                  "changedPaths": sorted(changed), "deletedPaths": sorted(deleted), "complete": complete,
                  "journalSequence": 1, "watcherEpoch": open(w + "/pid").read().strip()}))
PY
    run "${common[@]}" --journal "$w/journal.jsonl" "$BENCH_SRC" ;;
  *) run "${common[@]}" "$BENCH_SRC" ;;
esac
