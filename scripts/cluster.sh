#!/usr/bin/env bash
# A 3-node Kafka cluster (KRaft, each node broker and controller) on this machine, from Kafka's own server classes
# in deploy/target/lib: for trying Vigil as on a real cluster (replication 3, broker failures, SASL).
#
#   scripts/cluster.sh start        format (first time) and start nodes 1-3; prints bootstrap.servers
#   scripts/cluster.sh stop         stop every node (SIGTERM, then wait)
#   scripts/cluster.sh kill N       kill -9 node N (1-3)
#   scripts/cluster.sh start-node N start node N again
#   scripts/cluster.sh status       which nodes run, and each partition leader count
#
# Node N listens on 127.0.0.1:1909N (PLAINTEXT), 127.0.0.1:1919N (SASL_PLAINTEXT, PLAIN, user vigil / password
# vigil-secret) and 127.0.0.1:1929N (controller). Data and logs under $VIGIL_CLUSTER_DIR (default
# /tmp/vigil-cluster). Build the jar first: ./mvnw -q -o package -DskipTests -pl deploy -am
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIB="$ROOT/deploy/target/lib"
DIR=${VIGIL_CLUSTER_DIR:-/tmp/vigil-cluster}
VOTERS="1@127.0.0.1:19291,2@127.0.0.1:19292,3@127.0.0.1:19293"
JAVA_HEAP=${VIGIL_CLUSTER_HEAP:--Xmx384m}

[ -d "$LIB" ] || { echo "no $LIB: run ./mvnw -q -o package -DskipTests -pl deploy -am first" >&2; exit 1; }

java_cmd() {
  java $JAVA_HEAP -Dlogback.configurationFile="$DIR/logback.xml" -cp "$LIB/*" "$@"
}

configure() {
  local n=$1
  mkdir -p "$DIR/node$n"
  cat > "$DIR/node$n/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$VOTERS
listeners=PLAINTEXT://127.0.0.1:1909$n,SASL_PLAINTEXT://127.0.0.1:1919$n,CONTROLLER://127.0.0.1:1929$n
advertised.listeners=PLAINTEXT://127.0.0.1:1909$n,SASL_PLAINTEXT://127.0.0.1:1919$n
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule \
  required username="vigil" password="vigil-secret" user_vigil="vigil-secret";
log.dirs=$DIR/node$n/log
metadata.log.dir=$DIR/node$n/metadata
num.partitions=3
auto.create.topics.enable=false
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=2
log.cleaner.dedupe.buffer.size=8388608
PROPS
}

start_node() {
  local n=$1
  configure "$n"
  if [ ! -f "$DIR/node$n/metadata/meta.properties" ]; then
    java_cmd kafka.tools.StorageTool format -t "$(cat "$DIR/cluster.id")" \
      -c "$DIR/node$n/server.properties" >"$DIR/node$n/format.log" 2>&1
  fi
  nohup java $JAVA_HEAP -Dlogback.configurationFile="$DIR/logback.xml" -cp "$LIB/*" kafka.Kafka \
    "$DIR/node$n/server.properties" >"$DIR/node$n/server.log" 2>&1 &
  echo $! > "$DIR/node$n/pid"
  echo "node $n: pid $! (log $DIR/node$n/server.log)"
}

running() {
  local n=$1
  [ -f "$DIR/node$n/pid" ] && kill -0 "$(cat "$DIR/node$n/pid")" 2>/dev/null
}

case "${1:-}" in
  start)
    mkdir -p "$DIR"
    [ -f "$DIR/cluster.id" ] || java_cmd kafka.tools.StorageTool random-uuid > "$DIR/cluster.id"
    cat > "$DIR/logback.xml" <<'XML'
<configuration>
  <appender name="out" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{30} - %msg%n</pattern></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="out"/></root>
</configuration>
XML
    for n in 1 2 3; do running "$n" || start_node "$n"; done
    echo "bootstrap.servers=127.0.0.1:19091,127.0.0.1:19092,127.0.0.1:19093"
    echo "SASL: bootstrap.servers=127.0.0.1:19191,127.0.0.1:19192,127.0.0.1:19193, PLAIN vigil/vigil-secret"
    ;;
  start-node)
    running "$2" && { echo "node $2 runs already" >&2; exit 1; }
    start_node "$2"
    ;;
  kill)
    running "$2" || { echo "node $2 does not run" >&2; exit 1; }
    kill -9 "$(cat "$DIR/node$2/pid")"
    echo "node $2 killed"
    ;;
  stop)
    for n in 1 2 3; do
      if running "$n"; then kill "$(cat "$DIR/node$n/pid")"; fi
    done
    for n in 1 2 3; do
      while running "$n"; do sleep 1; done
    done
    echo "stopped"
    ;;
  status)
    for n in 1 2 3; do
      if running "$n"; then echo "node $n: running (pid $(cat "$DIR/node$n/pid"))"; else echo "node $n: down"; fi
    done
    ;;
  *)
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
    exit 2
    ;;
esac
