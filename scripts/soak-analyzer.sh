#!/usr/bin/env bash
# soak-analyzer.sh: a churn soak of the analyzer at accelerated event time, by hand (not a test). Hosts live three
# hours and never return, each host's per-container series churn every hour, log lines carry ever-new parameters and a
# new template comes every ten minutes; series.expiry.ms is 2 h. Prints one line per simulated half day.
#
#   scripts/soak-analyzer.sh broker [DAYS]     an embedded broker and one AnalyzerService in one JVM (its pid is
#                                              printed: jcmd PID GC.class_histogram); live heap after GC, state
#                                              directory, open files, records and bytes of each changelog, records/s
#   scripts/soak-analyzer.sh topology [DAYS]   the topology in a TopologyTestDriver, in-memory stores: keys per store,
#                                              records and tombstones each store wrote to its changelog, records/s
#
# Builds the analyzer's test classes offline first; DAYS defaults to 2.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
case "${1:-}" in
    broker) main=dev.vigil.analyzer.it.BrokerSoak ;;
    topology) main=dev.vigil.analyzer.app.SoakDriver ;;
    *) echo "usage: $0 broker|topology [DAYS]" >&2; exit 2 ;;
esac
cp_file=$(mktemp)
trap 'rm -f "$cp_file"' EXIT
./mvnw -q -o test-compile dependency:build-classpath -pl analyzer -am -Dmdep.includeScope=test \
    -Dmdep.outputFile="$cp_file"
# the reactor's own modules from their classes, everything else as Maven resolved it
deps=$(tr ':' '\n' < "$cp_file" | grep -v '/dev/vigil/' | paste -sd:)
exec java -Xmx1g -Dlogback.configurationFile=/dev/null \
    -cp "analyzer/target/test-classes:analyzer/target/classes:schemas/target/classes:embedded-kafka/target/classes:$deps" \
    "$main" "${2:-2}"
