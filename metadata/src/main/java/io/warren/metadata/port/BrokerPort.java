package io.warren.metadata.port;

import io.warren.metadata.model.QueueRecord;

import java.util.concurrent.CompletableFuture;

/** Everything a front end needs from the broker behind it. */
public interface BrokerPort {
    String nodeName();

    MetadataPort metadata();

    QueuePort queues();

    /**
     * Deletes a queue: checks if-unused/if-empty where the queue lives, removes its record, cancels its
     * consumers and frees its storage. Completes with the number of messages it held.
     */
    CompletableFuture<Long> deleteQueue(QueueRecord queue, boolean ifUnused, boolean ifEmpty);

    /** Resource alarms (memory, disk): publishers are blocked while one is up. */
    Alarms alarms();

    interface Alarms {
        /** The names of the alarms that are up, empty when none. */
        java.util.Set<String> active();

        void addListener(Runnable onChange);

        void removeListener(Runnable onChange);
    }
}
