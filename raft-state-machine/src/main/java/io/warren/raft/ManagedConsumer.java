package io.warren.raft;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.QueueConsumer;
import io.warren.raft.link.FrameBatcher;
import io.warren.raft.link.LinkClient;
import io.warren.raft.link.LinkProtocol;
import org.apache.ratis.thirdparty.io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A channel's consumer as this node keeps it: registered with the queue wherever it is served (locally, or
 * on another node over a link stream), and registered again where it is served next when the queue's
 * leader changes or its node goes away. The channel sees one consumer throughout.
 */
final class ManagedConsumer implements QueueConsumer {
    private static final Logger LOG = LoggerFactory.getLogger(ManagedConsumer.class);
    /** Credit a remote stream holds at most (also for no-ack consumers, whose sinks do not count). */
    private static final int REMOTE_CREDIT_MAX = 256;

    private final QueueLocator locator;
    private final QueueHost host;
    private final LinkClient link;
    private final Nodes nodes;
    private final QueueRecord queue;
    private final ConsumerSpec spec;
    private final ConsumerSink sink;
    private volatile boolean cancelled;
    private volatile QueueConsumer attached;

    ManagedConsumer(QueueLocator locator, QueueHost host, LinkClient link, Nodes nodes, QueueRecord queue, ConsumerSpec spec,
                    ConsumerSink sink) {
        this.locator = locator;
        this.host = host;
        this.link = link;
        this.nodes = nodes;
        this.queue = queue;
        this.spec = spec;
        this.sink = sink;
    }

    /**
     * First registration: a refusal (exclusive use, no such queue) fails the future; a queue without a reachable
     * leader (one just died, and an election is under way) is tried again until the failover wait runs out, as
     * publishes are, so a client re-subscribing after a node loss is not turned away during the election.
     */
    CompletableFuture<QueueConsumer> start() {
        return Retry.until(System.currentTimeMillis() + QueueForwarder.FAILOVER_WAIT_MS, 200, 200, () -> attach().whenComplete((h, err) -> {
            if (err != null) locator.forgetLeader(queue);
        }), c -> Retry.unreachable(c) && !cancelled && locator.exists(queue)).thenApply(h -> this);
    }

    /**
     * Registers with the queue where it is served now. Only the newest registration stays: one that completes after a
     * newer one was started is cancelled, so a consumer is never registered twice (a second registration would hold
     * credit and checked-out messages that the channel no longer accounts for once it cancels the other).
     */
    private CompletableFuture<QueueConsumer> attach() {
        long gen = generation.incrementAndGet();
        return locator.locate(queue).thenCompose(where -> {
            if (nodes.isSelf(where)) return CompletableFuture.completedFuture(host.engine(queue).addConsumer(spec, new LocalSink()));
            return new RemoteStream(nodes.addressOf(where)).open();
        }).thenApply(h -> {
            QueueConsumer previous;
            synchronized (this) {
                if (gen != generation.get() || cancelled) {
                    h.cancel();
                    return h;
                }
                previous = attached;
                attached = h;
            }
            if (previous != null && previous != h) previous.cancel(); // a registration that was not told it moved
            return h;
        });
    }

    private final java.util.concurrent.atomic.AtomicLong generation = new java.util.concurrent.atomic.AtomicLong();
    /**
     * One re-registration at a time, however many signals (moved, stream errors) ask for it; a signal that comes while
     * one runs ({@code again}) starts another once it is done, so a move is never missed.
     */
    private final java.util.concurrent.atomic.AtomicBoolean reattaching = new java.util.concurrent.atomic.AtomicBoolean(),
            again = new java.util.concurrent.atomic.AtomicBoolean();

    /** The queue is served elsewhere now: register there, retrying until it is found or the queue is gone. */
    private void reattach(long delayMs) {
        if (cancelled) return;
        again.set(true);
        if (reattaching.compareAndSet(false, true)) {
            again.set(false);
            retryAttach(delayMs);
        }
    }

    private void reattachDone() {
        reattaching.set(false);
        if (again.get() && !cancelled && reattaching.compareAndSet(false, true)) {
            again.set(false);
            retryAttach(50);
        }
    }

    /**
     * Registers again after {@code delayMs}, retrying (pauses doubling to 2 s) while the queue cannot be reached; stops
     * when the consumer is cancelled, and tells the channel the server cancelled it when the queue is gone or refuses.
     */
    private void retryAttach(long delayMs) {
        CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(() -> Retry.until(Long.MAX_VALUE,
                Math.max(100, delayMs * 2), 2000, () -> {
                    if (cancelled) return CompletableFuture.failedFuture(new DomainException(DomainException.Kind.NOT_FOUND, "cancelled"));
                    if (!locator.exists(queue)) return CompletableFuture.failedFuture(DomainException.notFound(queue.describe()));
                    locator.forgetLeader(queue);
                    return attach().whenComplete((h, err) -> {
                        if (err != null) LOG.debug("consumer {} on {}: not registered yet ({}), retrying", spec.tag(), queue.describe(), err.toString());
                    });
                }, Retry::unreachable).whenComplete((h, err) -> {
                    if (err == null) {
                        reattachDone();
                        return;
                    }
                    reattaching.set(false);
                    if (!cancelled) {
                        again.set(false);
                        sink.cancelledByServer();
                    }
                }));
    }

    @Override public void creditAvailable() {
        QueueConsumer a = attached;
        if (a != null) a.creditAvailable();
    }

    @Override public CompletableFuture<Void> cancel() {
        QueueConsumer a;
        synchronized (this) {
            cancelled = true;
            a = attached;
        }
        return a != null ? a.cancel() : CompletableFuture.completedFuture(null);
    }

    /** The sink given to a local engine: passes everything through, but a hand-over means re-registering. */
    private final class LocalSink implements ConsumerSink {
        @Override public boolean tryReserve() { return sink.tryReserve(); }

        @Override public void unreserve() { sink.unreserve(); }

        @Override public void deliver(Delivery d) { sink.deliver(d); }

        @Override public void cancelledByServer() { sink.cancelledByServer(); }

        private final java.util.concurrent.atomic.AtomicBoolean moved = new java.util.concurrent.atomic.AtomicBoolean();

        @Override public void moved() { if (moved.compareAndSet(false, true)) reattach(50); }
    }

    /** Registration on another node: a link stream carrying credit there and deliveries back. */
    private final class RemoteStream implements QueueConsumer, StreamObserver<byte[]> {
        private final String address;
        private final CompletableFuture<QueueConsumer> subscribed = new CompletableFuture<>();
        private FrameBatcher out;
        private int granted;
        private boolean ended;

        RemoteStream(String address) { this.address = address; }

        CompletableFuture<QueueConsumer> open() {
            out = new FrameBatcher(link.consume(address, this));
            BinaryWriter w = LinkProtocol.ToQueue.SUBSCRIBE.frame(128);
            LinkProtocol.queue(w, queue);
            LinkProtocol.spec(w, spec);
            send(w.toByteArray());
            return subscribed;
        }

        private synchronized void send(byte[] frame) {
            if (!ended) out.send(frame);
        }

        /** Takes what credit the channel gives and passes it on. */
        private void topUp() {
            int n = 0;
            synchronized (this) {
                if (ended || cancelled) return;
                while (granted < REMOTE_CREDIT_MAX && sink.tryReserve()) { granted++; n++; }
            }
            if (n > 0) send(LinkProtocol.ToQueue.CREDIT.frame(8).i32(n).toByteArray());
        }

        /** Gives back credit that was never used. */
        private synchronized boolean end() {
            if (ended) return false;
            ended = true;
            for (; granted > 0; granted--) sink.unreserve();
            return true;
        }

        @Override public void onNext(byte[] frames) { FrameBatcher.forEach(frames, this::onFrame); }

        private void onFrame(byte[] frame) {
            BinaryReader r = new BinaryReader(frame);
            boolean handled = switch (LinkProtocol.ToConsumer.read(r)) { // exhaustive: a new frame kind must be handled here
                case SUBSCRIBED -> {
                    subscribed.complete(this);
                    topUp();
                    yield true;
                }
                case DELIVER -> {
                    Delivery d = LinkProtocol.delivery(r, queue);
                    synchronized (this) { granted--; }
                    sink.deliver(d);
                    topUp();
                    yield true;
                }
                case CANCELLED -> {
                    if (end()) sink.cancelledByServer();
                    yield true;
                }
                case MOVED -> {
                    if (end() && !subscribed.completeExceptionally(QueueHost.notHere(queue))) reattach(50);
                    yield true;
                }
                case REFUSED -> {
                    end();
                    subscribed.completeExceptionally(LinkProtocol.refusal(r));
                    yield true;
                }
            };
            assert handled;
        }

        @Override public void onError(Throwable t) {
            if (end() && !subscribed.completeExceptionally(new DomainException(DomainException.Kind.UNAVAILABLE,
                    queue.describe() + ": " + t.getMessage()))) {
                reattach(100);
            }
        }

        @Override public void onCompleted() { onError(new IllegalStateException("stream closed")); }

        @Override public void creditAvailable() { topUp(); }

        @Override public CompletableFuture<Void> cancel() {
            send(LinkProtocol.ToQueue.CANCEL.frame(4).toByteArray());
            end();
            out.end(null);
            return CompletableFuture.completedFuture(null);
        }
    }
}
