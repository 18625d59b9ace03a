#!/usr/bin/env bash
# bench-backup.sh: Vigil's backup engine against restic and borg, through the shared harness
# (../shared/bench/bench.sh), in the same run so every figure is also a ratio.
#
#   scripts/bench-backup.sh [run|edge|all]     (default: run)
#
#   BB_WORK, BB_SIZE, BB_RUNS, BB_FLAVORS ...  passed to the harness (see its README)
#   VIGIL_BENCH_JOURNAL=1   the INCREMENTAL after a day of changes reads a change journal that an
#                           inotify watcher (started with the no-change backup, standing in for the
#                           collector's `vigil collector journal`) recorded; otherwise it scans
#   VIGIL_JAVA_OPTS         JVM options (default below: parallel GC, capped heap; AppCDS unless VIGIL_NO_CDS=1)
#   BENCH_HARNESS           the harness directory (default: ../shared/bench beside the repo)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
harness=${BENCH_HARNESS:-}
for c in "$root/../shared/bench" "$root/../../shared/bench"; do
  [[ -z "$harness" && -x "$c/bench.sh" ]] && harness="$(cd "$c" && pwd)"
done
[[ -n "$harness" ]] || { echo "bench-backup.sh: no harness (set BENCH_HARNESS)" >&2; exit 2; }
jar="$root/deploy/target/vigil.jar"
if [[ ! -f "$jar" ]]; then
  (cd "$root" && ./mvnw -q package -DskipTests -pl deploy -am)
fi
work=${BB_WORK:-/tmp/vigil-bench}
mkdir -p "$work"
cds="$work/vigil-cds.jsa"
opts_default="-XX:+UseParallelGC -Xms256m -Xmx1g"
export VIGIL_BENCH_OPTS="${VIGIL_JAVA_OPTS:-$opts_default}"

# AppCDS: one training run (init, backup, restore of a small tree) records the classes Vigil loads,
# so each timed run maps them instead of parsing and verifying them again.
if [[ ! -f "$cds" && -z "${VIGIL_NO_CDS:-}" ]]; then
  t=$(mktemp -d)
  mkdir -p "$t/src/d" && head -c 3000000 /dev/urandom >"$t/src/d/r" && seq 1 100000 >"$t/src/t"
  VIGIL_PASSWORD=x java $VIGIL_BENCH_OPTS -cp "$jar" dev.vigil.backup.cli.RepoMain init --repo "$t/repo" >/dev/null
  VIGIL_PASSWORD=x java $VIGIL_BENCH_OPTS -XX:ArchiveClassesAtExit="$cds" -cp "$jar" dev.vigil.backup.cli.RepoMain \
    backup --repo "$t/repo" "$t/src" >/dev/null 2>&1 || rm -f "$cds"
  rm -rf "$t"
fi
[[ -f "$cds" && -z "${VIGIL_NO_CDS:-}" ]] && VIGIL_BENCH_OPTS="$VIGIL_BENCH_OPTS -XX:SharedArchiveFile=$cds"
export VIGIL_BENCH_JAR="$jar" VIGIL_BENCH_JOURNAL="${VIGIL_BENCH_JOURNAL:-0}" VIGIL_BENCH_SCRIPTS="$root/scripts"
vigil='VIGIL_PASSWORD="$BENCH_PASSPHRASE" java $VIGIL_BENCH_OPTS -cp "$VIGIL_BENCH_JAR" dev.vigil.backup.cli.RepoMain'

export PROJECT_NAME=vigil
[[ "$VIGIL_BENCH_JOURNAL" == 1 ]] && PROJECT_NAME=vigil-journal
export PROJECT_INIT_CMD="$vigil init --repo \"\$BENCH_REPO\""
export PROJECT_BACKUP_CMD="bash \"\$VIGIL_BENCH_SCRIPTS/bench-backup-step.sh\""
export PROJECT_RESTORE_CMD="$vigil restore --repo \"\$BENCH_REPO\" latest --target \"\$BENCH_TARGET\""
export PROJECT_CHECK_CMD="$vigil check --repo \"\$BENCH_REPO\" --read-data"
export BB_WORK="$work"
exec "$harness/bench.sh" "${1:-run}"
