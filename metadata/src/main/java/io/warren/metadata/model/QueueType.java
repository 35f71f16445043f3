package io.warren.metadata.model;

/** How a queue is kept: replicated by a Raft group, or node-local in memory. */
public enum QueueType {
    /** Replicated through a Raft group, state applied into RocksDB. */
    QUORUM("quorum"),
    /** Node-local, in memory on the node of the declaring connection. */
    CLASSIC("classic");

    private final String wireName;

    QueueType(String wireName) { this.wireName = wireName; }

    public String wireName() { return wireName; }
}
