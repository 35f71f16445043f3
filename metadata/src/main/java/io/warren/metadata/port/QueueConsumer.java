package io.warren.metadata.port;

/** A registered consumer, as handed back to the front end. */
public interface QueueConsumer {
    /** The sink has credit again (an ack, a larger prefetch, writability restored). */
    void creditAvailable();

    /** Client-side cancel: no more deliveries; unacked messages stay with the channel. */
    void cancel();
}
