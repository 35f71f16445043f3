#!/usr/bin/env bash
# Single-node benchmark: 1 producer / 1 consumer, 1 KB persistent messages, publisher confirms
# (100 in flight), consumer acks every 100 with prefetch 200, 30 s, against one quorum queue.
# Load tool: RabbitMQ PerfTest 2.22.1 from Maven Central. Prints and writes docs/benchmarks-single-node.md.
#   bench/single-node.sh [seconds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
secs="${1:-30}"
amqp_port=5810
raft_port=25810
data="$(mktemp -d /tmp/warren-bench.XXXXXX)"
out="docs/benchmarks-single-node.md"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT

./warren build
mvn -q -B -f bench/pom.xml dependency:copy-dependencies -DoutputDirectory=target/lib
java -Xss512k -cp "ops/target/ops-0.1.0-SNAPSHOT.jar:ops/target/lib/*" io.warren.ops.Main \
  --node-name warren@bench --data-dir "$data" --amqp-port $amqp_port --raft-port $raft_port --management-port -1 --prometheus-port -1 \
  --set amqp_bind=127.0.0.1 --set raft_host=127.0.0.1 > "$data.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  (exec 3<>/dev/tcp/127.0.0.1/$amqp_port) 2>/dev/null && break
  kill -0 "$pid" 2>/dev/null || { cat "$data.log"; exit 1; }
  sleep 0.2
done

log="$(mktemp)"
java -cp 'bench/target/lib/*' com.rabbitmq.perf.PerfTest -h "amqp://guest:guest@127.0.0.1:$amqp_port" \
  -x 1 -y 1 -s 1000 -c 100 --multi-ack-every 100 -q 200 -z "$secs" -qq -u bench-q -f persistent | tee "$log" | tail -5
rss_kb=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

sent=$(sed -n 's/.*sending rate avg: \([0-9]*\) msg\/s.*/\1/p' "$log")
recv=$(sed -n 's/.*receiving rate avg: \([0-9]*\) msg\/s.*/\1/p' "$log")
cons=$(sed -n 's/.*consumer latency min\/median\/75th\/95th\/99th \([0-9/]*\) µs.*/\1/p' "$log")
conf=$(sed -n 's/.*confirm latency min\/median\/75th\/95th\/99th \([0-9/]*\) µs.*/\1/p' "$log")
ms() { echo "$1" | awk -F/ '{printf "%.1f / %.1f / %.1f / %.1f / %.1f", $1/1000, $2/1000, $3/1000, $4/1000, $5/1000}'; }
rm -f "$log" "$data.log"

mkdir -p docs
cat > "$out" <<MD
# Single-node benchmark

\`bench/single-node.sh\`: one Warren node (one-member Raft group per quorum queue), RabbitMQ PerfTest 2.22.1,
1 producer / 1 consumer, 1000-byte persistent messages, publisher confirms (100 outstanding),
consumer acks every 100 with prefetch 200, ${secs} s, one quorum queue. Both on the same machine.

| run | published msg/s | consumed msg/s | confirm latency min / p50 / p75 / p95 / p99 (ms) | consumer latency min / p50 / p75 / p95 / p99 (ms) | node RSS |
|---|---|---|---|---|---|
| $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(uname -r) | $sent | $recv | $(ms "$conf") | $(ms "$cons") | $((rss_kb / 1024)) MB |

Absolute numbers on a shared 2-core machine are noisy; compare runs of the same harness, and see the
side-by-side comparison with RabbitMQ (a later benchmark) for ratios.
MD
cat "$out"
