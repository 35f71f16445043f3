package io.warren.metadata.port;

import io.warren.metadata.model.QueueRecord;

import java.util.concurrent.CompletableFuture;

/**
 * What a front end may do to a queue, whatever keeps it (a Raft group for quorum queues, node memory for
 * classic ones). Futures complete when the outcome is durable where the queue type makes it so: for a
 * quorum queue, committed on a majority of its group. Refusals complete exceptionally with
 * {@link io.warren.metadata.model.DomainException}.
 */
public interface QueuePort {
    default CompletableFuture<Void> publish(QueueRecord queue, Message message) { return publish(queue, message, null); }

    /**
     * Enqueues {@code message}; with an {@code origin} (a message the broker republishes), a message of the same
     * origin that the queue already took is not taken again — the publish succeeds without a second copy.
     */
    CompletableFuture<Void> publish(QueueRecord queue, Message message, Origin origin);

    /** Registers a consumer where the queue lives (possibly another node); refusals complete exceptionally. */
    CompletableFuture<QueueConsumer> consume(QueueRecord queue, ConsumerSpec spec, ConsumerSink sink);

    /** basic.get: the next ready message or null; with {@code noAck} it is settled at once. */
    CompletableFuture<Delivery> get(QueueRecord queue, boolean noAck);

    CompletableFuture<Void> settle(QueueRecord queue, long[] offsets);

    /** Returns messages to the queue (nack/reject with requeue, recover, channel closed with unacked). */
    CompletableFuture<Void> requeue(QueueRecord queue, long[] offsets);

    /** Returns messages after a failed delivery (nack/reject with requeue); a queue's delayed retry may hold them a while. */
    default CompletableFuture<Void> retry(QueueRecord queue, long[] offsets) { return requeue(queue, offsets); }

    /** Drops messages without requeue (nack/reject with requeue=false): dead-lettered when the queue has a DLX. */
    default CompletableFuture<Void> discard(QueueRecord queue, long[] offsets) { return settle(queue, offsets); }

    CompletableFuture<Long> purge(QueueRecord queue);

    /** Counts where the queue is served (it may be another node). */
    CompletableFuture<QueueStats> stats(QueueRecord queue);

    /** The queue was declared again (passively too): its counts, and the lease of a queue with an expiry starts over. */
    default CompletableFuture<QueueStats> declared(QueueRecord queue) { return stats(queue); }
}
