#!/usr/bin/env bash
# Three-node benchmark on loopback: RabbitMQ PerfTest 2.22.1, 1000-byte persistent messages, publisher
# confirms (100 outstanding), acks every 100, prefetch 200, $secs s per scenario:
#   one quorum queue, 1 producer / 1 consumer (clients on the queue's leader node);
#   ten quorum queues, 10 producers / 10 consumers (clients spread over the three nodes);
# then N idle quorum queues: declare time, idle CPU and RSS per node over 30 s, full-cluster restart time.
# Prints and writes docs/benchmarks-cluster.md.   bench/cluster.sh [seconds] [idle_queues]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
secs="${1:-30}"
idle="${2:-200}"
base="$(mktemp -d /tmp/warren-bench-cluster.XXXXXX)"
out="docs/benchmarks-cluster.md"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$base"
}
trap cleanup EXIT

./warren build
mvn -q -B -f bench/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib
peers=()
for i in 1 2 3; do peers+=(--peer "b$i@127.0.0.1:$((25819 + i))"); done
start_nodes() {
  pids=()
  for i in 1 2 3; do
    java -Xss512k -cp "ops/target/ops-0.1.0-SNAPSHOT.jar:ops/target/lib/*" io.warren.ops.Main --node-name "b$i@127.0.0.1" \
      --data-dir "$base/b$i" --amqp-port $((5819 + i)) --raft-port $((25819 + i)) "${peers[@]}" --cluster-secret bench \
      --set amqp_bind=127.0.0.1 >> "$base/b$i.log" 2>&1 &
    pids+=($!)
  done
  for i in 1 2 3; do
    for _ in $(seq 1 600); do (exec 3<>/dev/tcp/127.0.0.1/$((5819 + i))) 2>/dev/null && break; sleep 0.2; done
  done
}
perftest() { java -cp 'bench/target/lib/*' com.rabbitmq.perf.PerfTest "$@"; }
field() { sed -n "s/.*$1 \([0-9/]*\) .*/\1/p" "$2" | tail -1; }
ms() { echo "$1" | awk -F/ '{printf "%.1f / %.1f", $2/1000, $5/1000}'; }
rss() { awk '/VmRSS/ {printf "%d", $2/1024}' "/proc/$1/status"; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

start=$(date +%s.%N); start_nodes; formed=$(echo "$(date +%s.%N) - $start" | bc)
u1="amqp://guest:guest@127.0.0.1:5820"; u2="amqp://guest:guest@127.0.0.1:5821"; u3="amqp://guest:guest@127.0.0.1:5822"
flags=(-s 1000 -c 100 --multi-ack-every 100 -q 200 -z "$secs" -qq -f persistent)

a="$base/a.log"
perftest -h "$u1" -x 1 -y 1 -u bench-one "${flags[@]}" > "$a" 2>&1 || true
b="$base/b.log"
perftest -H "$u1,$u2,$u3" -x 10 -y 10 --queue-pattern 'bench-ten-%d' --queue-pattern-from 1 --queue-pattern-to 10 "${flags[@]}" > "$b" 2>&1 || true

# idle queues
t0=$(date +%s.%N)
java -cp 'bench/target/lib/*' com.rabbitmq.perf.PerfTest -h "$u1" -x 0 -y 0 -qq --queue-pattern 'idle-%d' \
  --queue-pattern-from 1 --queue-pattern-to "$idle" -z 1 -ad false > "$base/idle.log" 2>&1 || true
declared=$(echo "$(date +%s.%N) - $t0" | bc)
sleep 5
declare -a c0 r
for i in 0 1 2; do c0[$i]=$(cpu_ticks "${pids[$i]}"); done
sleep 30
idle_row=""
for i in 0 1 2; do
  c1=$(cpu_ticks "${pids[$i]}")
  pct=$(echo "scale=1; ($c1 - ${c0[$i]}) * 100 / ($(getconf CLK_TCK) * 30)" | bc)
  idle_row="$idle_row b$((i + 1)): ${pct}% CPU, $(rss "${pids[$i]}") MB RSS;"
done
for p in "${pids[@]}"; do kill -9 "$p"; done
wait 2>/dev/null || true
t0=$(date +%s.%N); start_nodes; restarted=$(echo "$(date +%s.%N) - $t0" | bc)

mkdir -p docs
cat > "$out" <<MD
# Three-node benchmark

\`bench/cluster.sh\`: three Warren nodes as separate processes on one $(nproc)-core machine (loopback),
RabbitMQ PerfTest 2.22.1, 1000-byte persistent messages, publisher confirms (100 outstanding), consumer acks
every 100 with prefetch 200, ${secs} s per scenario. Run $(date -u +%Y-%m-%dT%H:%MZ). Load tool and brokers
share the machine; absolute numbers are noisy — compare runs of the same harness.

| scenario | published msg/s | consumed msg/s | confirm latency p50 / p99 (ms) | consumer latency p50 / p99 (ms) |
|---|---|---|---|---|
| 1 quorum queue, 1 producer / 1 consumer | $(sed -n 's/.*sending rate avg: \([0-9]*\).*/\1/p' "$a") | $(sed -n 's/.*receiving rate avg: \([0-9]*\).*/\1/p' "$a") | $(ms "$(field 'confirm latency min\/median\/75th\/95th\/99th' "$a")") | $(ms "$(field 'consumer latency min\/median\/75th\/95th\/99th' "$a")") |
| 10 quorum queues, 10 producers / 10 consumers, clients on all nodes | $(sed -n 's/.*sending rate avg: \([0-9]*\).*/\1/p' "$b") | $(sed -n 's/.*receiving rate avg: \([0-9]*\).*/\1/p' "$b") | $(ms "$(field 'confirm latency min\/median\/75th\/95th\/99th' "$b")") | $(ms "$(field 'consumer latency min\/median\/75th\/95th\/99th' "$b")") |

| idle quorum queues | value |
|---|---|
| cluster formation (3 nodes, fresh) | ${formed} s |
| declare $idle quorum queues (3 members each) | ${declared} s |
| idle over 30 s, per node |${idle_row} |
| kill -9 all three, restart until all accept AMQP | ${restarted} s |
MD
cat "$out"
