package io.warren.amqp.channel;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.QueueConsumer;

/**
 * A consumer on a channel as its queue sees it: credit is the consumer's prefetch window, the channel's
 * global window, channel.flow and, for no-ack consumers, the socket's writability. Deliveries are handed
 * to the channel's event loop.
 */
final class ChannelConsumer implements ConsumerSink {
    final String tag;
    final QueueRecord queue;
    final boolean noAck;
    final boolean exclusive;
    final int prefetch;
    private final Consuming owner;
    /** Delivered and not yet acknowledged (guarded by the channel's credit lock). */
    int inflight;
    private QueueConsumer handle;
    volatile boolean cancelled;
    /** Set once consume-ok went out; deliveries that arrive before wait in {@code early} (event loop only). */
    boolean ready;
    final java.util.List<io.warren.metadata.port.Delivery> early = new java.util.ArrayList<>();

    ChannelConsumer(Consuming owner, String tag, QueueRecord queue, boolean noAck, boolean exclusive, int prefetch) {
        this.owner = owner;
        this.tag = tag;
        this.queue = queue;
        this.noAck = noAck;
        this.exclusive = exclusive;
        this.prefetch = prefetch;
    }

    /** The queue accepted the consumer; if it was cancelled meanwhile, the registration is withdrawn. */
    synchronized void attach(QueueConsumer h) {
        handle = h;
        if (cancelled) h.cancel();
    }

    /** Client cancel, channel close: no more deliveries. Completes as {@link QueueConsumer#cancel} does. */
    synchronized java.util.concurrent.CompletableFuture<Void> cancel() {
        if (cancelled || handle == null) {
            cancelled = true;
            return java.util.concurrent.CompletableFuture.completedFuture(null);
        }
        cancelled = true;
        return handle.cancel();
    }

    void creditAvailable() {
        QueueConsumer h;
        synchronized (this) { h = cancelled ? null : handle; }
        if (h != null) h.creditAvailable();
    }

    @Override public boolean tryReserve() { return !cancelled && owner.reserve(this); }

    @Override public void unreserve() { owner.unreserve(this); }

    @Override public void deliver(Delivery d) { owner.deliverLater(this, d); }

    @Override public void cancelledByServer() { owner.serverCancelLater(this); }
}
