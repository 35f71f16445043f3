package io.warren.it.faults;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import java.util.ArrayList;
import java.util.List;

/** One run of a workload under a fault schedule on a fresh cluster, checked at the end. */
final class FaultRun {
    private FaultRun() { }

    /** What a run is: a workload, the faults the nemesis picks from, cluster size, seed and length. */
    record Spec(String workload, List<Fault> faults, int nodes, long seed, long durationMs) {
        String faultLabel() { return faults.size() == 1 ? faults.get(0).label : "mixed (" + faults.size() + " kinds)"; }

        String name() { return workload + "-" + faults.stream().map(f -> f.label).reduce((a, b) -> a + "+" + b).orElse("none") + "-" + seed; }
    }

    /** A result row: {@code ok} is the checker's verdict; {@code detail} what it counted. */
    record Outcome(Spec spec, double seconds, long confirmed, long lost, long unexpected, long duplicated, long duplicatedAsNew, long unknown,
                   long recoveredUnknown, long worstGapMs, int faultsApplied, boolean ok, String detail, List<String> events,
                   long deadLettered) { }

    static long seedFrom(String property, long fallback) {
        String s = System.getProperty(property);
        return s == null || s.isBlank() ? fallback : Long.parseLong(s.trim());
    }

    private static void announce(Spec spec) {
        System.out.printf("=== %s: %d nodes, faults %s, seed %d (replay with -Dfaults.seed=%d), %d s%n", spec.workload(), spec.nodes(),
                spec.faultLabel(), spec.seed(), spec.seed(), spec.durationMs() / 1000);
    }

    /** Runs the seeded fault schedule against the running workload, heals everything, and waits for a healthy cluster. */
    private static Nemesis runSchedule(Spec spec, FaultCluster cluster, List<String> queues) throws Exception {
        Nemesis nemesis = new Nemesis(cluster, spec.faults(), spec.seed(), spec.durationMs(), queues);
        Thread nt = new Thread(nemesis, "nemesis");
        nt.start();
        nt.join(spec.durationMs() + 120_000);
        if (nt.isAlive()) { nt.interrupt(); nt.join(30_000); }
        cluster.healAll();
        nemesis.log("healed; waiting for the cluster");
        cluster.awaitHealthy(queues, 120_000);
        return nemesis;
    }

    /** The metadata workload: concurrent declare/delete/bind/unbind from a client on every node. */
    static Outcome metadata(Spec spec) throws Exception {
        announce(spec);
        long t0 = System.currentTimeMillis();
        try (FaultCluster cluster = new FaultCluster(spec.nodes(), spec.name())) {
            MetadataWorkload w = new MetadataWorkload(cluster, spec.nodes());
            w.start(spec.seed());
            Nemesis nemesis = runSchedule(spec, cluster, List.of());
            Thread.sleep(2_000);
            w.stop();
            List<String> violations = w.check(60_000);
            if (nemesis.failure != null) throw new IllegalStateException("the nemesis failed", nemesis.failure);
            String detail = String.format("operations ok %d, refused %d, unknown %d on %d names; violations %d %s",
                    w.ok.get(), w.refused.get(), w.unknown.get(), w.entities(), violations.size(),
                    violations.subList(0, Math.min(10, violations.size())));
            nemesis.log(detail);
            return new Outcome(spec, (System.currentTimeMillis() - t0) / 1000.0, w.ok.get(), violations.size(), 0, 0, 0, w.unknown.get(), 0,
                    0, nemesis.applied, violations.isEmpty(), detail, List.copyOf(nemesis.events), 0);
        }
    }

    /** Message TTL of the dead-letter workload's queues. */
    static final long DEAD_LETTER_TTL_MS = 1_000;

    /**
     * The queue workload: 3 queues led by different nodes, 3 publishers and 3 consumers on different nodes, a poller.
     * Workload {@code deadletter}: each queue has a TTL and at-least-once dead-lettering into a queue of its own (led by
     * the next node); the consumers read the dead-letter queues, the poller the queues.
     */
    static Outcome queues(Spec spec, boolean throughHaproxy) throws Exception {
        announce(spec);
        long t0 = System.currentTimeMillis();
        boolean deadLetters = spec.workload().equals("deadletter");
        try (FaultCluster cluster = new FaultCluster(spec.nodes(), spec.name());
             Haproxy haproxy = throughHaproxy ? Haproxy.start(cluster) : null) {
            List<String> queues = List.of("qf-1", "qf-2", "qf-3");
            List<String> dlqs = deadLetters ? List.of("qf-1.dlq", "qf-2.dlq", "qf-3.dlq") : List.of();
            for (int i = 0; i < queues.size(); i++) { // declared through different nodes: client-local leaders
                java.util.Map<String, Object> args = null;
                if (deadLetters) {
                    try (Connection c = cluster.node(1 + (i + 1) % spec.nodes()).factory().newConnection(); Channel ch = c.createChannel()) {
                        ch.queueDeclare(dlqs.get(i), true, false, false, null);
                    }
                    args = java.util.Map.of("x-message-ttl", DEAD_LETTER_TTL_MS, "x-dead-letter-exchange", "",
                            "x-dead-letter-routing-key", dlqs.get(i), "x-dead-letter-strategy", "at-least-once", "x-overflow", "reject-publish");
                }
                try (Connection c = cluster.node(1 + i % spec.nodes()).factory().newConnection(); Channel ch = c.createChannel()) {
                    ch.queueDeclare(queues.get(i), true, false, false, args);
                }
            }
            List<String> everyQueue = new ArrayList<>(queues);
            everyQueue.addAll(dlqs);
            QueueWorkload.Endpoint endpoint = throughHaproxy ? haproxy.endpoint() : new QueueWorkload.Endpoint() {
                @Override public Connection connect(int client, int attempt) throws Exception {
                    return cluster.node(1 + Math.floorMod(attempt, spec.nodes())).factory().newConnection("client-" + client);
                }

                @Override public boolean recovers() { return false; }
            };
            QueueWorkload w = new QueueWorkload(queues, dlqs, DEAD_LETTER_TTL_MS, endpoint, 3, 3, 150, 10_000);
            w.start();
            Nemesis nemesis = runSchedule(spec, cluster, everyQueue);
            Thread.sleep(3_000); // the workload goes on a little on the healed cluster
            long worstGap = w.stopPublishers();
            w.stopConsumers();
            nemesis.log("drain");
            long remaining;
            List<Connection> all = new ArrayList<>();
            try {
                for (FaultNode f : cluster.nodes) all.add(f.factory().newConnection("checker"));
                remaining = w.drain(all.get(0), all, 120_000);
            } finally {
                for (Connection c : all) c.abort(1_000);
            }
            // counted by the leaders, unacked too: a message a queue still holds but never hands out is not drained
            FaultCluster.Held held = cluster.heldMessages(10_000);
            if (held.count() > 0) nemesis.log("held by the queues after the drain: " + held.detail());
            synchronized (w.incidents) { for (String i : w.incidents) nemesis.log("client reconnected at " + i); }
            QueueWorkload.Verdict v = w.check(Math.max(remaining, held.count()), worstGap);
            if (nemesis.failure != null) throw new IllegalStateException("the nemesis failed", nemesis.failure);
            String detail = String.format("attempted %d, confirmed %d, nacked %d (delivered all the same %d), unknown %d (recovered %d), consumed %d, "
                            + "duplicates %d (delivered as new twice by one queue: %d), lost %d %s, unexpected %d, from the wrong queue %d, left after drain %d, consumers left %d, worst gap between confirms %d ms, reconnects %d"
                    + (deadLetters ? ", consumed from the dead-letter queues " + v.deadLettered() : ""),
                    v.attempted(), v.confirmed(), v.nacked(), v.nackedDelivered(), v.unknown(), v.recoveredUnknown(), v.consumed(), v.duplicates(),
                    v.duplicatesAsNew(), v.lost(),
                    v.lostSample(), v.unexpected(), v.wrongQueue(), v.remaining(), v.ghostConsumers(), v.worstGapMs(), w.reconnects.get());
            nemesis.log(detail);
            return new Outcome(spec, (System.currentTimeMillis() - t0) / 1000.0, v.confirmed(), v.lost(), v.unexpected() + v.wrongQueue(),
                    v.duplicates(), v.duplicatesAsNew(), v.unknown(), v.recoveredUnknown(), v.worstGapMs(), nemesis.applied, v.ok(), detail,
                    List.copyOf(nemesis.events), v.deadLettered());
        }
    }
}
