package io.warren.metadata.port;

/**
 * Everything a front end needs from the broker behind it: the broker services ({@link Publisher}, {@link Definitions})
 * that carry RabbitMQ's semantics for every protocol, and the two ports they are written over — the replicated
 * metadata and the queues — for what a front end does to a queue directly (consume, get, settle).
 */
public interface BrokerPort {
    String nodeName();

    MetadataPort metadata();

    QueuePort queues();

    Publisher publisher();

    Definitions definitions();

    /** Resource alarms (memory, disk): publishers are blocked while one is up. */
    Alarms alarms();

    /**
     * The client connections the other nodes of the cluster hold, by vhost and user, so a connection limit counts the
     * whole cluster as RabbitMQ's does: as last heard from them (refreshed every second while a max-connections limit
     * is set; none otherwise).
     */
    default Sessions.Counts connectionsElsewhere() { return Sessions.Counts.NONE; }

    interface Alarms {
        /** The names of the alarms that are up, empty when none. */
        java.util.Set<String> active();

        void addListener(Runnable onChange);

        void removeListener(Runnable onChange);
    }
}
