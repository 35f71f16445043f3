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

    /** The server cancelled the consumer (queue deleted, node lost the queue). */
    void cancelledByServer();
}
