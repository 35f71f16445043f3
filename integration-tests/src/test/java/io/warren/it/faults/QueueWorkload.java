package io.warren.it.faults;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The queue workload: publishers with confirms and consumers ({@code basic.consume} and a {@code basic.get} poller)
 * on several queues, connected through different nodes (or one HAProxy address), reconnecting whenever a connection
 * fails. It records every message id it published, which the broker confirmed or nacked, and every delivery; the
 * checker compares the two. A message id carries its publisher, its queue and a sequence number. In the dead-letter
 * form every queue has a dead-letter queue of its own: the queues have a short message TTL, the poller takes a few
 * messages from them and the consumers read the dead-letter queues, so a message counts as consumed from either.
 */
final class QueueWorkload {
    /** How clients reach the cluster: attempt {@code n} of a client may go to a different node. */
    interface Endpoint {
        Connection connect(int client, int attempt) throws Exception;

        /** Connections recover by themselves (amqp-client's automatic recovery); clients then keep theirs. */
        boolean recovers();
    }

    static final int WINDOW = 32;
    final List<String> queues;
    /** Per queue, the queue its messages are dead-lettered into; empty: no dead-lettering. */
    final List<String> deadLetterQueues;
    /** How long messages stay in a queue before they are dead-lettered (dead-letter form). */
    private final long ttlMs;
    private final Endpoint endpoint;
    private final long confirmTimeoutMs;
    private final int publishers, consumers;
    private final int ratePerPublisher;
    private final List<Thread> publisherThreads = new ArrayList<>(), consumerThreads = new ArrayList<>();
    private volatile boolean stopPublishing, stopConsuming;

    final Set<Long> attempted = ConcurrentHashMap.newKeySet();
    final Set<Long> confirmed = ConcurrentHashMap.newKeySet();
    final Set<Long> nacked = ConcurrentHashMap.newKeySet();
    final Map<Long, Integer> received = new ConcurrentHashMap<>();
    final Set<Long> fromWrongQueue = ConcurrentHashMap.newKeySet();
    final Set<Long> viaDeadLetter = ConcurrentHashMap.newKeySet();
    /**
     * Per message and queue, how often that queue delivered it as new (not flagged redelivered). More than once is a
     * duplicate nothing explains: a consumer's lost ack comes back redelivered; a message got from its queue and then
     * dead-lettered (its ack lost in a failover) comes once from each queue.
     */
    final Map<String, Integer> deliveredAsNew = new ConcurrentHashMap<>();
    /** For the report on a lost message: when it was sent and confirmed (ms since start) and through which node. */
    private static final class Trail {
        final long sentMs;
        final String via;
        volatile long confirmedMs = -1;

        Trail(long sentMs, String via) { this.sentMs = sentMs; this.via = via; }

        @Override public String toString() {
            return "sent at " + sentMs + " ms via " + via + (confirmedMs >= 0 ? ", confirmed at " + confirmedMs + " ms" : "");
        }
    }

    private final Map<Long, Trail> trail = new ConcurrentHashMap<>();
    private final long t0 = System.currentTimeMillis();
    private final AtomicLong lastConfirmAt = new AtomicLong(), maxGapMs = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    /** Why clients reconnected (the first few), for the report. */
    final List<String> incidents = new ArrayList<>();
    /** Consumers the queues still report after every client closed (seen from each node, summed). */
    long ghostConsumers;

    QueueWorkload(List<String> queues, Endpoint endpoint, int publishers, int consumers, int ratePerPublisher, long confirmTimeoutMs) {
        this(queues, List.of(), 0, endpoint, publishers, consumers, ratePerPublisher, confirmTimeoutMs);
    }

    QueueWorkload(List<String> queues, List<String> deadLetterQueues, long ttlMs, Endpoint endpoint, int publishers, int consumers,
                  int ratePerPublisher, long confirmTimeoutMs) {
        this.queues = queues;
        this.deadLetterQueues = deadLetterQueues;
        this.ttlMs = ttlMs;
        this.endpoint = endpoint;
        this.publishers = publishers;
        this.consumers = consumers;
        this.ratePerPublisher = ratePerPublisher;
        this.confirmTimeoutMs = confirmTimeoutMs;
    }

    static long id(int publisher, int queue, long seq) { return ((long) publisher << 48) | ((long) queue << 40) | seq; }

    static int queueOf(long id) { return (int) ((id >>> 40) & 0xff); }

    void start() {
        lastConfirmAt.set(System.currentTimeMillis());
        for (int p = 0; p < publishers; p++) {
            int client = p;
            publisherThreads.add(daemon("publisher-" + p, () -> publish(client)));
        }
        for (int c = 0; c < consumers; c++) {
            int client = c;
            consumerThreads.add(daemon("consumer-" + c, () -> consume(client)));
        }
        consumerThreads.add(daemon("getter", () -> poll(consumers)));
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Outstanding confirms of one channel: sequence number → message id, with the time sent. */
    private final class Tracker implements ConfirmListener {
        final ConcurrentSkipListMap<Long, long[]> outstanding = new ConcurrentSkipListMap<>();

        @Override public void handleAck(long tag, boolean multiple) {
            var m = multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
            long at = System.currentTimeMillis() - t0;
            for (long[] e : m.values()) {
                confirmed.add(e[0]);
                Trail tr = trail.get(e[0]);
                if (tr != null) tr.confirmedMs = at;
            }
            m.clear();
            long now = System.currentTimeMillis();
            long gap = now - lastConfirmAt.getAndSet(now);
            maxGapMs.accumulateAndGet(gap, Math::max);
        }

        @Override public void handleNack(long tag, boolean multiple) {
            var m = multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
            for (long[] e : m.values()) nacked.add(e[0]);
            m.clear();
        }

        boolean stale() {
            var first = outstanding.firstEntry();
            return first != null && System.currentTimeMillis() - first.getValue()[1] > confirmTimeoutMs;
        }
    }

    /** What a client does on one connection, until it stops or the connection fails. */
    private interface Session { void run(Connection c) throws Exception; }

    /** A client's life: connect (attempt n may reach another node), run, and after any failure close and connect again. */
    private void reconnecting(int clientId, int firstAttempt, java.util.function.BooleanSupplier stopped, Session session) {
        for (int attempt = firstAttempt; !stopped.getAsBoolean(); attempt++) {
            Connection c = null;
            try {
                c = endpoint.connect(clientId, attempt);
                session.run(c);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                reconnects.incrementAndGet();
                synchronized (incidents) {
                    if (incidents.size() < 40) {
                        String why = String.valueOf(e.getMessage() != null ? e.getMessage() : e);
                        incidents.add((System.currentTimeMillis() - t0) + " ms client " + clientId + ": " + why.substring(0, Math.min(160, why.length())));
                    }
                }
            } finally {
                if (c != null) c.abort(1_000);
            }
            if (!stopped.getAsBoolean()) sleepQuietly(250);
        }
    }

    private void publish(int client) {
        java.util.Random rnd = new java.util.Random(client);
        long[] seq = {0};
        reconnecting(client, client, () -> stopPublishing, c -> publishOn(c, client, rnd, seq));
    }

    private void publishOn(Connection c, int client, java.util.Random rnd, long[] seq) throws Exception {
        Tracker t = new Tracker();
        try {
            Channel ch = c.createChannel();
            ch.confirmSelect();
            ch.addConfirmListener(t);
            if (endpoint.recovers()) {
                // a recovered channel numbers its publishes afresh: what was outstanding stays unknown
                ((com.rabbitmq.client.Recoverable) c).addRecoveryListener(new com.rabbitmq.client.RecoveryListener() {
                    @Override public void handleRecovery(com.rabbitmq.client.Recoverable r) { }
                    @Override public void handleRecoveryStarted(com.rabbitmq.client.Recoverable r) { t.outstanding.clear(); }
                });
            }
            String via = c.getAddress().getHostAddress();
            long intervalNs = 1_000_000_000L / ratePerPublisher;
            long next = System.nanoTime();
            while (!stopPublishing) {
                if (t.stale()) throw new java.util.concurrent.TimeoutException("confirms overdue");
                if (t.outstanding.size() >= WINDOW) { Thread.sleep(1); continue; }
                long now = System.nanoTime();
                if (now < next) { Thread.sleep(Math.max(0, (next - now) / 1_000_000), (int) ((next - now) % 1_000_000)); continue; }
                next += intervalNs;
                if (next < now - 1_000_000_000L) next = now; // no burst after an outage
                int q = rnd.nextInt(queues.size());
                long id = id(client, q, seq[0]++);
                attempted.add(id);
                trail.put(id, new Trail(System.currentTimeMillis() - t0, via));
                try {
                    t.outstanding.put(ch.getNextPublishSeqNo(), new long[]{id, System.currentTimeMillis()});
                    ch.basicPublish("", queues.get(q), MessageProperties.PERSISTENT_BASIC, body(id));
                } catch (com.rabbitmq.client.AlreadyClosedException e) {
                    if (!endpoint.recovers()) throw e;
                    t.outstanding.clear();
                    Thread.sleep(100); // recovering
                }
            }
            long deadline = System.currentTimeMillis() + confirmTimeoutMs;
            while (!t.outstanding.isEmpty() && System.currentTimeMillis() < deadline && c.isOpen()) Thread.sleep(10);
        } finally {
            t.outstanding.clear(); // whatever was not confirmed by now is unknown
        }
    }

    private static byte[] body(long id) { return ByteBuffer.allocate(64).putLong(id).array(); }

    private void record(long id, String queue, boolean redelivered) {
        received.merge(id, 1, Integer::sum);
        if (!redelivered) deliveredAsNew.merge(id + "@" + queue, 1, Integer::sum);
        int q = queueOf(id);
        if (q < deadLetterQueues.size() && deadLetterQueues.get(q).equals(queue)) viaDeadLetter.add(id);
        else if (q >= queues.size() || !queues.get(q).equals(queue)) fromWrongQueue.add(id);
    }

    private boolean deadLettering() { return !deadLetterQueues.isEmpty(); }

    private void consume(int client) {
        reconnecting(100 + client, client + 1, () -> stopConsuming, c -> {
            Channel ch = c.createChannel();
            ch.basicQos(50);
            for (String q : deadLettering() ? deadLetterQueues : queues) {
                ch.basicConsume(q, false, new DefaultConsumer(ch) {
                    @Override public void handleDelivery(String tag, Envelope env, AMQP.BasicProperties props, byte[] b) throws java.io.IOException {
                        record(ByteBuffer.wrap(b).getLong(), q, env.isRedeliver());
                        getChannel().basicAck(env.getDeliveryTag(), false);
                    }
                });
            }
            while (!stopConsuming && (c.isOpen() || endpoint.recovers())) Thread.sleep(100);
        });
    }

    private void poll(int client) {
        reconnecting(100 + client, client + 2, () -> stopConsuming, c -> {
            Channel ch = c.createChannel();
            int empty = 0;
            for (int i = 0; !stopConsuming; i++) {
                String q = queues.get(i % queues.size());
                try {
                    GetResponse r = ch.basicGet(q, false);
                    if (r == null) {
                        if (++empty % queues.size() == 0) Thread.sleep(50);
                        continue;
                    }
                    record(ByteBuffer.wrap(r.getBody()).getLong(), q, r.getEnvelope().isRedeliver());
                    ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
                    if (deadLettering()) Thread.sleep(20); // most messages stay long enough to be dead-lettered
                } catch (com.rabbitmq.client.AlreadyClosedException e) {
                    if (!endpoint.recovers()) throw e;
                    Thread.sleep(200);
                }
            }
        });
    }

    private static void sleepQuietly(long ms) {
        try { Thread.sleep(ms); } catch (InterruptedException e) { Thread.currentThread().interrupt(); }
    }

    /** Stops publishing; waits for outstanding confirms (up to the confirm timeout). Returns the worst confirm gap, ms. */
    long stopPublishers() throws InterruptedException {
        stopPublishing = true;
        for (Thread t : publisherThreads) t.join(confirmTimeoutMs + 10_000);
        long tail = System.currentTimeMillis() - lastConfirmAt.get();
        return Math.max(maxGapMs.get(), tail);
    }

    void stopConsumers() throws InterruptedException {
        stopConsuming = true;
        for (Thread t : consumerThreads) t.join(10_000);
    }

    /**
     * Drains every queue through {@code connection} (after the consumers stopped): gets until each queue is empty,
     * then checks every node reports it empty. Returns the number of messages still there (should be 0).
     */
    long drain(Connection connection, List<Connection> everyNode, long timeoutMs) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        List<String> all = new ArrayList<>(queues);
        all.addAll(deadLetterQueues);
        try (Channel ch = connection.createChannel()) {
            // with dead-lettering a message may still move after its queue looked empty: drain until a pass after
            // more than a TTL finds nothing
            boolean first = true;
            for (boolean again = true; again && System.currentTimeMillis() < deadline; ) {
                long got = 0;
                for (String q : all) {
                    while (System.currentTimeMillis() < deadline) {
                        GetResponse r = ch.basicGet(q, true);
                        if (r != null) { record(ByteBuffer.wrap(r.getBody()).getLong(), q, r.getEnvelope().isRedeliver()); got++; continue; }
                        if (ch.queueDeclarePassive(q).getMessageCount() == 0) break;
                        Thread.sleep(100);
                    }
                }
                again = deadLettering() && (got > 0 || first);
                first = false;
                if (again) Thread.sleep(ttlMs + 2_000);
            }
        }
        long left;
        long settle = System.currentTimeMillis() + 10_000; // cancellations of the closed clients' consumers are asynchronous
        do {
            left = 0;
            ghostConsumers = 0;
            for (Connection c : everyNode) {
                try (Channel ch = c.createChannel()) {
                    for (String q : all) {
                        var ok = ch.queueDeclarePassive(q);
                        left += ok.getMessageCount();
                        ghostConsumers += ok.getConsumerCount(); // every client has closed: none should be left
                    }
                }
            }
            if (ghostConsumers > 0) Thread.sleep(500);
        } while (ghostConsumers > 0 && System.currentTimeMillis() < settle);
        return left;
    }

    /** What the checker found. */
    record Verdict(long attempted, long confirmed, long nacked, long unknown, long lost, long unexpected, long wrongQueue,
                   long duplicates, long duplicatesAsNew, long recoveredUnknown, long nackedDelivered, long consumed, long remaining, long worstGapMs,
                   List<String> lostSample, long ghostConsumers, long deadLettered) {
        boolean ok() {
            return lost == 0 && unexpected == 0 && wrongQueue == 0 && remaining == 0 && ghostConsumers == 0 && duplicatesAsNew == 0;
        }
    }

    Verdict check(long remaining, long worstGapMs) {
        List<Long> lost = new ArrayList<>();
        for (long id : confirmed) if (!received.containsKey(id)) lost.add(id);
        long unexpected = 0, duplicates = 0, recoveredUnknown = 0, nackedDelivered = 0;
        for (var e : received.entrySet()) {
            if (!attempted.contains(e.getKey())) unexpected++;
            else if (nacked.contains(e.getKey())) nackedDelivered++;
            else if (!confirmed.contains(e.getKey())) recoveredUnknown++;
            duplicates += e.getValue() - 1;
        }
        long unknown = attempted.stream().filter(id -> !confirmed.contains(id) && !nacked.contains(id)).count();
        long asNew = deliveredAsNew.values().stream().mapToLong(n -> n - 1).sum();
        java.util.Collections.sort(lost);
        return new Verdict(attempted.size(), confirmed.size(), nacked.size(), unknown, lost.size(), unexpected, fromWrongQueue.size(),
                duplicates, asNew, recoveredUnknown, nackedDelivered, received.size(), remaining, worstGapMs, lost.subList(0, Math.min(20, lost.size())).stream().map(id -> id + " (" + trail.get(id) + ")").toList(), ghostConsumers,
                viaDeadLetter.size());
    }
}
