package io.warren.it.faults;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.ops.cli.AdminClient;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The metadata workload: one client per node (moving to another node when its connection fails) declares and deletes
 * exchanges and quorum queues and binds and unbinds them, concurrently. Each client owns its names, so one entity's
 * operations are sequential; each outcome is ok, refused (a channel error such as 404: no effect) or unknown (no reply,
 * connection lost, 541: may take effect at any later time). The checker: every node lists the same exchanges, queues and
 * bindings; no binding names a missing exchange or queue; each entity is present or absent as its last acknowledged
 * operation left it, or as one of its unknown operations would have.
 */
final class MetadataWorkload {
    enum Outcome { OK, REFUSED, UNKNOWN }

    private record Op(String entity, boolean creates, Outcome outcome) { }

    static final int NAMES = 4;
    private final FaultCluster cluster;
    private final int clients;
    private final List<Thread> threads = new ArrayList<>();
    private final List<Op> history = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;
    final AtomicLong ok = new AtomicLong(), refused = new AtomicLong(), unknown = new AtomicLong();

    MetadataWorkload(FaultCluster cluster, int clients) {
        this.cluster = cluster;
        this.clients = clients;
    }

    void start(long seed) {
        for (int k = 0; k < clients; k++) {
            int client = k;
            Thread t = new Thread(() -> run(client, new Random(seed * 31 + client)), "metadata-client-" + k);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    void stop() throws InterruptedException {
        stop = true;
        for (Thread t : threads) t.join(30_000);
    }

    private void run(int client, Random rnd) {
        for (int attempt = client; !stop; attempt++) {
            Connection c = null;
            try {
                c = cluster.node(1 + Math.floorMod(attempt, cluster.nodes.size())).factory().newConnection("metadata-" + client);
                Channel ch = c.createChannel();
                while (!stop) {
                    if (!ch.isOpen()) ch = c.createChannel();
                    step(ch, client, rnd);
                    Thread.sleep(20);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // connection could not be made or died: try another node
            } finally {
                if (c != null) c.abort(1_000);
            }
            try { Thread.sleep(250); } catch (InterruptedException e) { return; }
        }
    }

    private void step(Channel ch, int client, Random rnd) throws Exception {
        int i = rnd.nextInt(NAMES);
        String x = "mx-" + client + "-" + i, q = "mq-" + client + "-" + i;
        int kind = rnd.nextInt(6);
        String entity = kind < 2 ? "exchange " + x : kind < 4 ? "queue " + q : null;
        boolean creates = kind % 2 == 0;
        Outcome o;
        try {
            switch (kind) {
                case 0 -> ch.exchangeDeclare(x, "fanout", true);
                case 1 -> ch.exchangeDelete(x);
                case 2 -> ch.queueDeclare(q, true, false, false, null);
                case 3 -> ch.queueDelete(q);
                case 4 -> ch.queueBind(q, x, "rk");
                default -> ch.queueUnbind(q, x, "rk");
            }
            o = Outcome.OK;
        } catch (Exception e) { // a timeout, a lost connection, 541: the command may still take effect
            o = e instanceof java.io.IOException io && definiteRefusal(io) ? Outcome.REFUSED : Outcome.UNKNOWN;
            if (o == Outcome.UNKNOWN) {
                record(entity, creates, o);
                throw e; // start over on a fresh connection
            }
        }
        record(entity, creates, o);
    }

    private void record(String entity, boolean creates, Outcome o) {
        (o == Outcome.OK ? ok : o == Outcome.REFUSED ? refused : unknown).incrementAndGet();
        if (entity != null) history.add(new Op(entity, creates, o));
    }

    /** A channel error the broker sends for a command it did not carry out (404, 403, 405, 406). */
    private static boolean definiteRefusal(java.io.IOException e) {
        Throwable t = e;
        while (t != null && !(t instanceof ShutdownSignalException)) t = t.getCause();
        if (!(t instanceof ShutdownSignalException s) || s.isHardError()) return false;
        Object reason = s.getReason();
        if (reason instanceof com.rabbitmq.client.AMQP.Channel.Close close) {
            int code = close.getReplyCode();
            return code == 404 || code == 403 || code == 405 || code == 406;
        }
        return false;
    }

    /** One node's view: exchanges, queues and bindings of this workload (names starting with m). */
    private static Set<String> view(AdminClient a) throws Exception {
        Set<String> v = new TreeSet<>();
        for (var x : a.exchanges("/").get()) if (x.name().startsWith("mx-")) v.add("exchange " + x.name());
        for (var q : a.queues("/").get()) if (q.queue().name().startsWith("mq-")) v.add("queue " + q.queue().name());
        for (var b : a.bindings("/").get()) {
            if (b.source().startsWith("mx-")) v.add("binding " + b.source() + " -> " + b.destination());
        }
        return v;
    }

    /** Returns the violations found (empty: the check passed); waits up to {@code timeoutMs} for the nodes to agree. */
    List<String> check(long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Map<String, Set<String>> views = new HashMap<>();
        while (true) {
            views.clear();
            for (FaultNode f : cluster.nodes) {
                try (AdminClient a = new AdminClient(f.raftAddress(), FaultCluster.SECRET, 5_000)) {
                    views.put(f.name, view(a));
                } catch (Exception e) {
                    views.put(f.name, Set.of("(unreachable: " + e.getMessage() + ")"));
                }
            }
            if (new java.util.HashSet<>(views.values()).size() == 1 || System.currentTimeMillis() > deadline) break;
            Thread.sleep(500);
        }
        List<String> violations = new ArrayList<>();
        if (new java.util.HashSet<>(views.values()).size() != 1) violations.add("nodes disagree: " + views);
        Set<String> state = views.get(cluster.nodes.get(0).name);
        for (String e : state) {
            if (!e.startsWith("binding ")) continue;
            String[] parts = e.substring("binding ".length()).split(" -> ");
            if (!state.contains("exchange " + parts[0]) || !state.contains("queue " + parts[1])) violations.add("dangling " + e);
        }
        Map<String, List<Op>> byEntity = new HashMap<>();
        synchronized (history) {
            for (Op op : history) byEntity.computeIfAbsent(op.entity(), k -> new ArrayList<>()).add(op);
        }
        for (var en : byEntity.entrySet()) {
            boolean present = state.contains(en.getKey());
            Set<Boolean> allowed = new java.util.HashSet<>();
            Boolean lastOk = null;
            for (Op op : en.getValue()) {
                if (op.outcome() == Outcome.OK) lastOk = op.creates();
                if (op.outcome() == Outcome.UNKNOWN) allowed.add(op.creates());
            }
            allowed.add(lastOk == null ? Boolean.FALSE : lastOk);
            if (!allowed.contains(present)) {
                violations.add(en.getKey() + " is " + (present ? "present" : "absent") + " but its last acknowledged operation "
                        + (lastOk == null ? "(none)" : lastOk ? "declared it" : "deleted it") + " and no unknown one explains it");
            }
        }
        return violations;
    }

    long entities() {
        synchronized (history) { return history.stream().map(Op::entity).distinct().count(); }
    }
}
