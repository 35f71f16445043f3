package io.warren.metadata.model;

/** How a queue is kept: replicated by a Raft group, or node-local in memory. */
public enum QueueType {
    /** Replicated through a Raft group, state applied into RocksDB. */
    QUORUM("quorum"),
    /**
     * Node-local, on the node of the declaring connection: in memory, or (durable and not exclusive) in a
     * one-member Raft group there, so it survives that node's restart.
     */
    CLASSIC("classic");

    private final String wireName;

    QueueType(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }
}
