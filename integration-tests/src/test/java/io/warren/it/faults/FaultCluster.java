package io.warren.it.faults;

import io.warren.ops.cli.AdminClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code size} Warren nodes, each a JVM in its own network namespace, forming one cluster. Closing removes everything. */
final class FaultCluster implements AutoCloseable {
    static final String SECRET = "fault-suite";

    final Net net;
    final List<FaultNode> nodes = new ArrayList<>();
    final Path root;
    final Path logs;

    FaultCluster(int size, String runName) throws Exception {
        root = Files.createTempDirectory("warren-faults");
        logs = Path.of("target", "fault-logs", runName);
        Net n = Net.create(size);
        this.net = n;
        try {
            List<String> peers = new ArrayList<>();
            for (int i = 1; i <= size; i++) peers.add("n" + i + "@" + n.ip(i) + ":" + FaultNode.RAFT_PORT);
            for (int i = 1; i <= size; i++) nodes.add(new FaultNode(n, i, peers, SECRET, root.resolve("n" + i)));
            for (FaultNode f : nodes) f.launch();
            for (FaultNode f : nodes) f.awaitAmqp(90_000);
            awaitMetadataLeader(60_000);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    FaultNode node(int index) { return nodes.get(index - 1); }

    FaultNode byName(String name) {
        for (FaultNode f : nodes) if (f.name.equals(name)) return f;
        return null;
    }

    /** Asks each running, unpaused node in turn until one answers. */
    private <T> T ask(AdminCall<T> call) throws Exception {
        Exception last = null;
        for (FaultNode f : nodes) {
            if (!f.alive() || f.paused()) continue;
            try (AdminClient a = new AdminClient(f.raftAddress(), SECRET, 3_000)) {
                return call.apply(a);
            } catch (Exception e) {
                last = e;
            }
        }
        throw last != null ? last : new IllegalStateException("no node is running");
    }

    interface AdminCall<T> { T apply(AdminClient a) throws Exception; }

    /**
     * What the queues' leaders still hold — ready, delivered and not settled, or on its way out by a feature (a
     * dead-letter being republished) — e.g. "qf-2 1 (unacked 1)"; "" when every queue is empty. Waits up to
     * {@code timeoutMs} for that (the closed clients' deliveries are returned asynchronously).
     */
    Held heldMessages(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (true) {
            StringBuilder b = new StringBuilder();
            long n = 0;
            for (var r : ask(a -> a.queues("/").get())) {
                var s = r.stats();
                if (s == null || s.messages() == 0) continue;
                n += s.messages();
                b.append(b.length() == 0 ? "" : ", ").append(r.queue().name()).append(' ').append(s.messages())
                        .append(" (unacked ").append(s.messagesUnacked()).append(')');
            }
            if (n == 0 || System.currentTimeMillis() > deadline) return new Held(n, b.toString());
            Thread.sleep(500);
        }
    }

    record Held(long count, String detail) { }

    /** The node currently leading {@code queue}'s group, or null when no node knows. */
    FaultNode queueLeader(String queue) {
        try {
            var rows = ask(a -> a.queues("/").get());
            for (var r : rows) if (queue.equals(r.queue().name())) return byName(r.leader());
        } catch (Exception e) {
            return null;
        }
        return null;
    }

    FaultNode metadataLeader() {
        try {
            return byName(ask(a -> a.clusterStatus().get()).metadataLeader());
        } catch (Exception e) {
            return null;
        }
    }

    void awaitMetadataLeader(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (metadataLeader() == null) {
            if (System.currentTimeMillis() > deadline) throw new IllegalStateException("no metadata leader after " + timeoutMs + " ms");
            Thread.sleep(200);
        }
    }

    /** Undoes every fault: network rules and shapers gone, paused nodes continued, killed nodes started again. */
    void healAll() throws Exception {
        net.heal();
        for (FaultNode f : nodes) {
            f.resume();
            if (!f.alive()) f.launch();
        }
    }

    /**
     * Waits until every node accepts AMQP, a metadata leader exists, and every node can name a leader for each of
     * {@code queues}.
     */
    void awaitHealthy(List<String> queues, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        for (FaultNode f : nodes) f.awaitAmqp(Math.max(1_000, deadline - System.currentTimeMillis()));
        awaitMetadataLeader(Math.max(1_000, deadline - System.currentTimeMillis()));
        for (FaultNode f : nodes) {
            while (true) {
                List<io.warren.metadata.port.Admin.QueueInfo> rows;
                try (AdminClient a = new AdminClient(f.raftAddress(), SECRET, 3_000)) {
                    rows = a.queues("/").get();
                } catch (Exception e) {
                    rows = List.of();
                }
                long led = rows.stream().filter(r -> queues.contains(r.queue().name()) && !"".equals(r.leader())).count();
                if (led == queues.size()) break;
                if (System.currentTimeMillis() > deadline) throw new IllegalStateException(f.name + " sees leaders for " + led + " of " + queues.size() + " queues");
                Thread.sleep(250);
            }
        }
    }

    @Override
    public void close() {
        for (FaultNode f : nodes) f.destroy(logs);
        try {
            io.warren.it.TestNode.deleteTree(root);
        } catch (Exception e) {
            System.err.println("removing " + root + ": " + e);
        }
        if (net != null) net.close();
    }
}
