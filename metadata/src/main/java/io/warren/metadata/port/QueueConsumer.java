package io.warren.metadata.port;

/** A registered consumer, as handed back to the front end. */
public interface QueueConsumer {
    /** The sink has credit again (an ack, a larger prefetch, writability restored). */
    void creditAvailable();

    /**
     * Client-side cancel: no more deliveries; unacked messages stay with the channel. Completes once the queue has
     * dropped the consumer and, if it was the last consumer of an auto-delete queue served on this node, once that
     * queue's deletion has been applied here (a consumer on another node: once the cancel is sent).
     */
    java.util.concurrent.CompletableFuture<Void> cancel();
}
