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

import java.security.SecureRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

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
    /** How long an acknowledgement, or the undoing of a get whose answer was lost, is tried again in the background. */
    static final long KEEP_TRYING_MS = 10 * 60_000;
    private static final AtomicLong REQUEST_IDS =
            new AtomicLong(new SecureRandom().nextLong() & Long.MAX_VALUE);

    private final Nodes nodes;
    private final QueueLocator locator;
    private final QueueHost host;
    private final LinkClient link;
    private final ScheduledExecutorService timer;
    /** Per queue id: operations waiting behind a lookup that was not done at once. */
    private final java.util.concurrent.ConcurrentHashMap<Long, InOrder> waiting = new java.util.concurrent.ConcurrentHashMap<>();

    QueueForwarder(Nodes nodes, QueueLocator locator, QueueHost host, LinkClient link, ScheduledExecutorService timer) {
        this.nodes = nodes;
        this.locator = locator;
        this.host = host;
        this.link = link;
        this.timer = timer;
    }

    private <T> CompletableFuture<T> onHost(QueueRecord q, boolean retryable, Function<QueueHost, CompletableFuture<T>> local,
                                            LinkCall<T> remote) {
        return onHost(q, retryable, local, () -> remote);
    }

    /** As above, with a new remote call made for each attempt. */
    private <T> CompletableFuture<T> onHost(QueueRecord q, boolean retryable, Function<QueueHost, CompletableFuture<T>> local,
                                            Supplier<LinkCall<T>> remote) {
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
    private <T> CompletableFuture<T> once(QueueRecord q, Function<QueueHost, CompletableFuture<T>> local,
                                          Supplier<LinkCall<T>> remote) {
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

    private <T> CompletableFuture<T> send(String where, Function<QueueHost, CompletableFuture<T>> local,
                                          Supplier<LinkCall<T>> remote) {
        if (nodes.isSelf(where)) return local.apply(host);
        LinkCall<T> call = remote.get();
        CompletableFuture<T> f = link.orderedCall(nodes.addressOf(where), call).orTimeout(LINK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (call instanceof LinkCall.Get g && g.requestId() != 0) {
            f.whenComplete((v, e) -> { // no answer: the queue may have handed a message out that nobody will see
                if (e != null && !(Retry.unwrap(e) instanceof DomainException)) keepTrying(where, new LinkCall.Unget(g.queue(), g.requestId()),
                        System.currentTimeMillis() + KEEP_TRYING_MS);
            });
        }
        return f;
    }

    /** Sends {@code call} to {@code where} every second until it is answered (a refusal too), or until {@code deadline}. */
    private void keepTrying(String where, LinkCall<Void> call, long deadline) {
        link.orderedCall(nodes.addressOf(where), call).orTimeout(LINK_TIMEOUT_MS, TimeUnit.MILLISECONDS).whenComplete((v, e) -> {
            if (e == null || Retry.unwrap(e) instanceof DomainException || System.currentTimeMillis() > deadline) return;
            later(() -> keepTrying(where, call, deadline));
        });
    }

    private void later(Runnable r) {
        try {
            timer.schedule(r, 1, TimeUnit.SECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("node closing: not trying again");
        }
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
        // a get that may leave a message out is tracked, so one whose answer is lost can be undone (QueueHost.unget)
        return onHost(q, true, h -> CompletableFuture.completedFuture(h.get(q, noAck, 0, null)),
                () -> new LinkCall.Get(q, noAck, noAck ? 0 : REQUEST_IDS.incrementAndGet() & Long.MAX_VALUE | 1));
    }

    /**
     * Settles where the queue is served. An acknowledgement or rejection that does not get through (the queue's node
     * unreachable for longer than a failover) is tried again in the background — settling by offset is idempotent,
     * and else the message would stay out until the queue's leader changes; a return is not (where the leader changed,
     * the message may be out to someone else), and the channel is not failed for either.
     */
    private CompletableFuture<Void> settleOnHost(QueueRecord q, long[] offsets, LinkCall.Op op) {
        return settleOnHost(q, offsets, op, System.currentTimeMillis() + KEEP_TRYING_MS);
    }

    private CompletableFuture<Void> settleOnHost(QueueRecord q, long[] offsets, LinkCall.Op op, long deadline) {
        CompletableFuture<Void> f = onHost(q, true, h -> h.settle(q, offsets, op), new LinkCall.Settle(op, q, offsets));
        return f.exceptionally(e -> {
            Throwable c = Retry.unwrap(e);
            boolean again = (op == LinkCall.Op.SETTLE || op == LinkCall.Op.DISCARD) && Retry.unreachable(c)
                    && locator.exists(q) && System.currentTimeMillis() < deadline;
            LOG.debug("settle not applied{}: {}", again ? " (trying again)" : "", c.toString());
            if (again) later(() -> settleOnHost(q, offsets, op, deadline));
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
