package io.warren.metadata.port;

/**
 * The receiving end of a consumer, implemented by the front end. A queue calls these under its own lock:
 * implementations hand work to their own thread and never block.
 */
public interface ConsumerSink {
    /** Takes one unit of credit (prefetch window, channel flow, socket writability); false stops delivery. */
    boolean tryReserve();

    /** Gives back a unit taken by {@link #tryReserve} that was not used. */
    void unreserve();

    void deliver(Delivery delivery);

    /** The server cancelled the consumer (the queue was deleted). */
    void cancelledByServer();

    /**
     * The queue moved (its leader changed): the consumer is no longer registered there. Whoever registered it
     * may register it again where the queue is now; left alone, this is a server cancel.
     */
    default void moved() { cancelledByServer(); }
}
