package io.warren.raft;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
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
    /** Per queue id: the last operation whose location was not known at once, complete once it has been sent. */
    private final java.util.concurrent.ConcurrentHashMap<Long, CompletableFuture<Void>> sending = new java.util.concurrent.ConcurrentHashMap<>();

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
     * location is not known at once (this node asks the members who leads), later operations on the queue wait for the
     * earlier ones to be sent, so a channel's publishes cannot overtake each other while lookups come back.
     */
    private <T> CompletableFuture<T> once(QueueRecord q, Function<QueueHost, CompletableFuture<T>> local, LinkCall<T> remote) {
        CompletableFuture<String> where = locator.locate(q);
        if (where.isDone() && !sending.containsKey(q.id())) return where.thenCompose(w -> send(w, local, remote));
        CompletableFuture<Void> sent = new CompletableFuture<>();
        CompletableFuture<Void> prev = sending.put(q.id(), sent);
        CompletableFuture<T> result = (prev == null ? where : prev.thenCompose(x -> where)).thenCompose(w -> {
            try {
                return send(w, local, remote);
            } finally {
                sent.complete(null);
            }
        });
        result.whenComplete((v, e) -> sent.complete(null)); // a failed lookup does not hold the later ones back
        sent.whenComplete((v, e) -> sending.remove(q.id(), sent));
        return result;
    }

    private <T> CompletableFuture<T> send(String where, Function<QueueHost, CompletableFuture<T>> local, LinkCall<T> remote) {
        return nodes.isSelf(where) ? local.apply(host)
                : link.orderedCall(nodes.addressOf(where), remote).orTimeout(LINK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<Void> publish(QueueRecord q, Message m) {
        return onHost(q, false, h -> h.publish(q, m), new LinkCall.Publish(q, m));
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
