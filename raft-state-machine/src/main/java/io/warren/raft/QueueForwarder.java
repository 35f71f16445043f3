package io.warren.raft;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueuePort;
import io.warren.metadata.port.QueueStats;
import io.warren.raft.link.LinkCall;
import io.warren.raft.link.LinkClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The queue port: each operation runs where its queue is served — on this node's {@link QueueHost}, or as a link
 * call to the node that serves it (one ordered stream per peer, so a channel's publishes and settles reach the queue
 * in the order made). While a group elects a new leader the node we thought served it may be gone: operations that
 * may be repeated look the leader up again and retry for up to {@value #FAILOVER_WAIT_MS} ms; a publish does not
 * (it is nacked, and the publisher republishes).
 */
final class QueueForwarder implements QueuePort {
    private static final Logger LOG = LoggerFactory.getLogger(QueueForwarder.class);
    static final long FAILOVER_WAIT_MS = 15_000;
    private static final long LINK_TIMEOUT_MS = 30_000;

    private final Nodes nodes;
    private final QueueLocator locator;
    private final QueueHost host;
    private final LinkClient link;
    /** Per queue id: operations waiting behind a lookup that was not done at once. */
    private final java.util.concurrent.ConcurrentHashMap<Long, InOrder> waiting = new java.util.concurrent.ConcurrentHashMap<>();

    QueueForwarder(Nodes nodes, QueueLocator locator, QueueHost host, LinkClient link) {
        this.nodes = nodes;
        this.locator = locator;
        this.host = host;
        this.link = link;
    }

    private <T> CompletableFuture<T> onHost(QueueRecord q, boolean retryable, Function<QueueHost, CompletableFuture<T>> local,
                                            LinkCall<T> remote) {
        long deadline = retryable ? System.currentTimeMillis() + FAILOVER_WAIT_MS : 0;
        CompletableFuture<T> f = Retry.until(deadline, 200, 200, () -> once(q, local, remote).whenComplete((v, err) -> {
            if (err != null) locator.forgetLeader(q);
        }), c -> Retry.unreachable(c) && locator.exists(q));
        if (f.isDone() && !f.isCompletedExceptionally()) return f;
        return f.exceptionallyCompose(c -> {
            if (!locator.exists(q)) return CompletableFuture.failedFuture(DomainException.notFound(q.describe()));
            return CompletableFuture.failedFuture(c instanceof DomainException ? c
                    : new DomainException(DomainException.Kind.UNAVAILABLE, q.describe() + " cannot be reached: " + c.getMessage()));
        });
    }

    /**
     * Locates the queue and sends the operation there. Operations are sent in the order they are made: when the
     * location is not known at once (this node asks the members who leads), the queue's later operations queue up
     * behind it in {@link InOrder}, so a channel's publishes cannot overtake each other while lookups come back.
     */
    private <T> CompletableFuture<T> once(QueueRecord q, Function<QueueHost, CompletableFuture<T>> local, LinkCall<T> remote) {
        CompletableFuture<String> where = locator.locate(q);
        if (where.isDone() && !waiting.containsKey(q.id())) return where.thenCompose(w -> send(w, local, remote));
        CompletableFuture<T> result = new CompletableFuture<>();
        Runnable go = () -> {
            CompletableFuture<T> f;
            try {
                f = send(where.join(), local, remote);
            } catch (java.util.concurrent.CompletionException e) {
                f = CompletableFuture.failedFuture(e.getCause());
            } catch (RuntimeException e) {
                f = CompletableFuture.failedFuture(e);
            }
            f.whenComplete((v, e) -> { if (e != null) result.completeExceptionally(e); else result.complete(v); });
        };
        while (!waiting.computeIfAbsent(q.id(), InOrder::new).add(where, go)) { /* that one just emptied: a new one */ }
        return result;
    }

    /**
     * A queue's operations waiting for their lookups, in the order made; sent one after the other as the lookup at the
     * head completes, by one thread at a time and in a loop (a chain of futures would recurse once per operation).
     */
    private final class InOrder {
        private final long id;
        private final java.util.ArrayDeque<CompletableFuture<String>> lookups = new java.util.ArrayDeque<>();
        private final java.util.ArrayDeque<Runnable> sends = new java.util.ArrayDeque<>();
        private boolean draining, gone;

        InOrder(long id) { this.id = id; }

        /** False when this one has emptied and left the map: the caller takes a new one. */
        boolean add(CompletableFuture<String> where, Runnable send) {
            synchronized (this) {
                if (gone) return false;
                lookups.add(where);
                sends.add(send);
            }
            drain();
            return true;
        }

        void drain() {
            synchronized (this) {
                if (draining) return; // the thread that drains will reach it
                draining = true;
            }
            while (true) {
                Runnable send;
                CompletableFuture<String> waitFor = null;
                synchronized (this) {
                    CompletableFuture<String> head = lookups.peek();
                    if (head == null || !head.isDone()) {
                        draining = false;
                        if (head == null) {
                            gone = true;
                            waiting.remove(id, this);
                        }
                        waitFor = head;
                        send = null;
                    } else {
                        lookups.poll();
                        send = sends.poll();
                    }
                }
                if (send == null) {
                    if (waitFor != null) waitFor.whenComplete((w, e) -> drain());
                    return;
                }
                send.run();
            }
        }
    }

    private <T> CompletableFuture<T> send(String where, Function<QueueHost, CompletableFuture<T>> local, LinkCall<T> remote) {
        return nodes.isSelf(where) ? local.apply(host)
                : link.orderedCall(nodes.addressOf(where), remote).orTimeout(LINK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Void> publish(QueueRecord q, Message m, Origin origin) {
        return onHost(q, false, h -> h.publish(q, m, origin), new LinkCall.Publish(q, m, origin));
    }

    @Override
    public CompletableFuture<QueueConsumer> consume(QueueRecord q, ConsumerSpec spec, ConsumerSink sink) {
        return new ManagedConsumer(locator, host, link, nodes, q, spec, sink).start();
    }

    @Override
    public CompletableFuture<Delivery> get(QueueRecord q, boolean noAck) {
        return onHost(q, true, h -> CompletableFuture.completedFuture(h.engine(q).get(noAck)), new LinkCall.Get(q, noAck));
    }

    private CompletableFuture<Void> settleOnHost(QueueRecord q, long[] offsets, LinkCall.Op op) {
        CompletableFuture<Void> f = onHost(q, true, h -> h.settle(q, offsets, op), new LinkCall.Settle(op, q, offsets));
        return f.exceptionally(e -> { // a settle for a queue that is gone, or whose leader moved, is not the channel's error
            LOG.debug("settle not applied: {}", e.toString());
            return null;
        });
    }

    @Override public CompletableFuture<Void> settle(QueueRecord q, long[] offsets) { return settleOnHost(q, offsets, LinkCall.Op.SETTLE); }

    @Override public CompletableFuture<Void> requeue(QueueRecord q, long[] offsets) { return settleOnHost(q, offsets, LinkCall.Op.REQUEUE); }

    @Override public CompletableFuture<Void> retry(QueueRecord q, long[] offsets) { return settleOnHost(q, offsets, LinkCall.Op.RETRY); }

    @Override public CompletableFuture<Void> discard(QueueRecord q, long[] offsets) { return settleOnHost(q, offsets, LinkCall.Op.DISCARD); }

    @Override
    public CompletableFuture<QueueStats> declared(QueueRecord q) {
        return onHost(q, true, h -> CompletableFuture.completedFuture(h.declared(q)), new LinkCall.Declared(q));
    }

    @Override
    public CompletableFuture<Long> purge(QueueRecord q) { return onHost(q, true, h -> h.purge(q), new LinkCall.Purge(q)); }

    @Override
    public CompletableFuture<QueueStats> stats(QueueRecord q) {
        return onHost(q, true, h -> CompletableFuture.completedFuture(h.engine(q).stats()), new LinkCall.Stats(q));
    }
}
