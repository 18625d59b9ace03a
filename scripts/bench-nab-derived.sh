#!/usr/bin/env bash
# bench-nab-derived.sh: the NAB development subset and its short, coarse and irregular variants
# (scripts/nab-derive.py) scored by `vigil nab --score`, for seeds 42, 7 and 1234 (the derivation's seed and the
# detector's), then the mean per variant over the seeds: the table of docs/BENCHMARKS.md, "Short, coarse and
# irregular series". Run by hand, never by CI; about a minute per seed on 2 cores.
#
#   scripts/bench-nab-derived.sh [--option anomaly.KEY=VALUE ...]      (extra arguments go to `vigil nab`)
#
#   NAB_DIR      the subset (default ../shared/data/nab, from the repository root)
#   NAB_WORK     scratch directory for the variants and results (default /tmp/vigil-nab-derived)
#   VIGIL_JAR    the CLI jar (default deploy/target/vigil.jar: ./mvnw -o -q package -DskipTests -pl deploy -am)
#   JAVA_OPTS    JVM options, e.g. -D properties of an experiment
# Output: one line per seed and variant (seed, variant, standard, low FP, low FN, windows detected, FP rows,
# detector us CPU/row), then per variant the means over the seeds, "derived" being the mean of the variants.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
nab=${NAB_DIR:-$root/../shared/data/nab}
work=${NAB_WORK:-/tmp/vigil-nab-derived}
jar=${VIGIL_JAR:-$root/deploy/target/vigil.jar}
[[ -f $jar ]] || { echo "no $jar: ./mvnw -o -q package -DskipTests -pl deploy -am" >&2; exit 2; }
mkdir -p "$work"
lines="$work/lines.txt"
: > "$lines"
for seed in 42 7 1234; do
  "$root/scripts/nab-derive.py" --nab "$nab" --out "$work/d$seed" --seed "$seed" >/dev/null
  for v in orig dec3 dec6 dec12 short irr mix; do
    if [[ $v == orig ]]; then corpus=$nab; else corpus=$work/d$seed/$v; fi
    # shellcheck disable=SC2086
    java ${JAVA_OPTS:-} -jar "$jar" nab --data "$corpus/data" --windows "$corpus/labels/combined_windows.json" \
        --out "$work/results" --score --seed "$seed" "$@" 2>"$work/stderr" >"$work/stdout"
    cpu=$(grep -o 'detector [0-9.]* us' "$work/stderr" | awk '{print $2}')
    awk -v s="$seed" -v v="$v" -v c="$cpu" '/^standard +[-0-9]/ {st=$2; d=$5; fp=$6} /^reward_low_FP_rate/ {lf=$2}
        /^reward_low_FN_rate/ {ln=$2} END {print s, v, st, lf, ln, d, fp, c}' "$work/stdout" | tee -a "$lines"
  done
done
echo "variant      standard  low_FP  low_FN   (means over seeds 42, 7, 1234)"
awk '{st[$2] += $3; lf[$2] += $4; ln[$2] += $5; n[$2]++
      if ($2 != "orig") {d += $3; dl += $4; dn += $5; dc++}}
     END {split("orig dec3 dec6 dec12 short irr mix", order, " ")
          for (i = 1; i <= 7; i++) {v = order[i]; printf "%-12s %8.1f %7.1f %7.1f\n", v, st[v] / n[v], lf[v] / n[v], ln[v] / n[v]}
          printf "%-12s %8.1f %7.1f %7.1f\n", "derived", d / dc, dl / dc, dn / dc}' "$lines"
