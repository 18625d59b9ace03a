#!/usr/bin/env bash
# bench-backup.sh: Vigil's backup engine against restic and borg, through the shared harness
# (../shared/bench/bench.sh), in the same run so every figure is also a ratio.
#
#   scripts/bench-backup.sh [run|edge|all]     (default: run)
#
#   BB_WORK, BB_SIZE, BB_RUNS, BB_FLAVORS ...  passed to the harness (see its README)
#   VIGIL_BENCH_JOURNAL=1   the collector's change journal (`vigil collector journal`) runs from the end of the
#                           full backup, and the backup after a day of changes reads it (--journal); otherwise
#                           that backup scans, as restic and borg do
#   VIGIL_BENCH_JOURNAL_ARGS  more options for `vigil collector journal` (e.g. --max-paths 100000)
#   VIGIL_JAVA_OPTS         more JVM options for scripts/vigil-repo (which picks C1 and an AppCDS archive)
#   VIGIL_JIT=c2            tiered C1+C2 instead of C1 only (scripts/vigil-repo)
#   BENCH_HARNESS           the harness directory (default: ../shared/bench beside the repo)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
harness=${BENCH_HARNESS:-}
for c in "$root/../shared/bench" "$root/../../shared/bench"; do
  [[ -z "$harness" && -x "$c/bench.sh" ]] && harness="$(cd "$c" && pwd)"
done
[[ -n "$harness" ]] || { echo "bench-backup.sh: no harness (set BENCH_HARNESS)" >&2; exit 2; }
deploy_jar="$root/deploy/target/vigil.jar"
if [[ ! -f "$deploy_jar" || -z "$(ls "$root"/backup-worker/target/vigil-backup-worker-*-repo.jar 2>/dev/null)" ]]; then
  (cd "$root" && ./mvnw -q package -DskipTests -pl deploy -am)
fi
work=${BB_WORK:-/tmp/vigil-bench}
mkdir -p "$work"
# The launcher's class archive lives with the benchmark and is built here, before any timed step (as the first
# run of scripts/vigil-repo would build it).
export VIGIL_CACHE_DIR="$work/vigil-cache"
"$root/scripts/vigil-repo" --version >/dev/null
export VIGIL_BENCH_DEPLOY_JAR="$deploy_jar" VIGIL_BENCH_JOURNAL="${VIGIL_BENCH_JOURNAL:-0}" \
  VIGIL_BENCH_SCRIPTS="$root/scripts"
vigil='VIGIL_PASSWORD="$BENCH_PASSPHRASE" "$VIGIL_BENCH_SCRIPTS/vigil-repo"'

export PROJECT_NAME=vigil
[[ "$VIGIL_BENCH_JOURNAL" == 1 ]] && PROJECT_NAME=vigil-journal
export PROJECT_INIT_CMD="$vigil init --repo \"\$BENCH_REPO\""
export PROJECT_BACKUP_CMD="bash \"\$VIGIL_BENCH_SCRIPTS/bench-backup-step.sh\""
export PROJECT_RESTORE_CMD="$vigil restore --repo \"\$BENCH_REPO\" latest --target \"\$BENCH_TARGET\""
export PROJECT_CHECK_CMD="$vigil check --repo \"\$BENCH_REPO\" --read-data"
export BB_WORK="$work"
exec "$harness/bench.sh" "${1:-run}"
