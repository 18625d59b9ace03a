#!/usr/bin/env bash
# bench-collector.sh: CPU and resident memory of the collector agent, run as operators run it
# (./vigil collector with the JVM flags of collector/jvm.options), with metrics and file activity
# every 10 s, tailing a log written at RATE lines/s, against a local broker.
#
# Two runs in the same go: a baseline with the log idle (0 lines/s), then the busy run. Each run
# warms up WARMUP s, then measures MEASURE s: CPU from /proc/PID/stat (utime+stime, % of one core),
# RSS from /proc/PID/status (VmRSS sampled every second, and the peak VmHWM).
#
# Usage: scripts/bench-collector.sh [RATE] [MEASURE] [WARMUP]   (defaults 1000 120 30)
# Prints one table; figures go to docs/BENCHMARKS.md by hand with the machine and load shown.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rate="${1:-1000}"
measure="${2:-120}"
warmup="${3:-30}"
jar="$root/deploy/target/vigil.jar"
opts="${COLLECTOR_JVM_OPTS:-$(grep -v "^#" "$root/collector/jvm.options" | tr "\n" " ")}"
work="$(mktemp -d /tmp/vigil-bench-collector.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

[ -f "$jar" ] || (cd "$root" && ./mvnw -q package -DskipTests -pl deploy -am)
hz="$(getconf CLK_TCK)"

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

java -Xmx512m -jar "$jar" broker --port "$port" --data "$work/broker" >"$work/broker.out" 2>&1 &
pids+=($!)
for _ in $(seq 120); do grep -q "ready" "$work/broker.out" 2>/dev/null && break; sleep 1; done
grep -q "ready" "$work/broker.out" || { echo "broker did not start" >&2; cat "$work/broker.out" >&2; exit 1; }

run() { # $1 = label, $2 = lines per second
  local label="$1" lines="$2" dir="$work/$1"
  mkdir -p "$dir/data"
  : > "$dir/app.log"
  for i in $(seq 50); do head -c 4096 /dev/urandom | base64 > "$dir/data/file$i.txt"; done
  cat > "$dir/collector.properties" <<EOF
bootstrap.servers=127.0.0.1:$port
host.name=bench-host
state.dir=$dir/state
metrics.interval.ms=10000
files.interval.ms=10000
files.datasets=bench=$dir/data
files.registry.enabled=false
logs.paths=$dir/app.log
logs.start.at=beginning
events.http.port=0
EOF
  # shellcheck disable=SC2086
  java $opts -jar "$jar" collector --config "$dir/collector.properties" >"$dir/agent.out" 2>"$dir/agent.err" &
  local agent=$!
  pids+=("$agent")
  if [ "$lines" -gt 0 ]; then
    python3 - "$dir/app.log" "$lines" >/dev/null 2>&1 <<'PY' &
import sys, time, datetime
path, rate = sys.argv[1], int(sys.argv[2])
batch = max(1, rate // 10)
n = 0
with open(path, "a", buffering=1) as f:
    nxt = time.monotonic()
    while True:
        ts = datetime.datetime.now().isoformat(timespec="milliseconds")
        f.write("".join(f"{ts} INFO request {n + i} served in 12 ms by worker-{(n + i) % 8} path=/api/v1/items\n"
                        for i in range(batch)))
        f.flush()
        n += batch
        nxt += 0.1
        time.sleep(max(0, nxt - time.monotonic()))
PY
    writer=$!
    pids+=("$writer")
  fi
  sleep "$warmup"
  local t0 c0 rss_sum=0 samples=0
  t0="$(date +%s.%N)"
  c0="$(awk '{print $14 + $15}' /proc/$agent/stat)"
  for _ in $(seq "$measure"); do
    rss_sum=$((rss_sum + $(awk '/VmRSS/{print $2}' /proc/$agent/status)))
    samples=$((samples + 1))
    sleep 1
  done
  local c1 t1 hwm lines_read
  c1="$(awk '{print $14 + $15}' /proc/$agent/stat)"
  t1="$(date +%s.%N)"
  hwm="$(awk '/VmHWM/{print $2}' /proc/$agent/status)"
  lines_read="$(wc -l < "$dir/app.log")"
  kill "$agent"
  wait "$agent" 2>/dev/null || true
  if [ -n "${writer:-}" ]; then kill "$writer" 2>/dev/null || true; wait "$writer" 2>/dev/null || true; writer=""; fi
  grep "agent stopped" "$dir/agent.err" | tail -1 | sed "s/^/$label: /" >&2
  python3 - "$label" "$lines" "$c0" "$c1" "$t0" "$t1" "$hz" "$rss_sum" "$samples" "$hwm" "$lines_read" <<'PY'
import sys
label, lines, c0, c1, t0, t1, hz, rss_sum, samples, hwm, total = sys.argv[1:]
cpu = (float(c1) - float(c0)) / float(hz) / (float(t1) - float(t0)) * 100
print(f"{label:9s} {int(lines):6d} lines/s  cpu {cpu:5.2f} % of one core  rss avg {int(rss_sum)/int(samples)/1024:6.1f} MiB"
      f"  peak {int(hwm)/1024:6.1f} MiB  ({total} lines in the log)")
PY
}

echo "JVM flags: $opts" >&2
base="$(run baseline 0)"
echo "$base"
busy="$(run busy "$rate")"
echo "$busy"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
python3 - "$base" "$busy" <<'PY'
import re, sys
def f(line, key):
    return float(re.search(key + r" +([0-9.]+)", line).group(1))
b, u = sys.argv[1], sys.argv[2]
print(f"ratio busy/baseline: cpu x{f(u, 'cpu') / max(f(b, 'cpu'), 0.01):.2f}, rss avg x{f(u, 'avg') / f(b, 'avg'):.2f}")
PY
