package io.warren.metadata.model;

/** How a queue is kept: replicated by a Raft group, or node-local in memory. */
public enum QueueType implements io.warren.metadata.codec.StableCode {
    /** Replicated through a Raft group, state applied into RocksDB. */
    QUORUM("quorum", 0),
    /**
     * Node-local, on the node of the declaring connection: in memory, or (durable and not exclusive) in a
     * one-member Raft group there, so it survives that node's restart.
     */
    CLASSIC("classic", 1);

    private final String wireName;
    private final int code;
    private static final QueueType[] BY_CODE = io.warren.metadata.codec.StableCode.byCode(values());

    QueueType(String wireName, int code) {
        this.wireName = wireName;
        this.code = code;
    }

    @Override public int code() { return code; }

    public static QueueType ofCode(int code) { return io.warren.metadata.codec.StableCode.of(BY_CODE, code); }

    public String wireName() { return wireName; }

    /** The type a name (as in {@code x-queue-type}) names; INVALID_ARGUMENT for one Warren does not have. */
    public static QueueType ofWireName(String name) {
        for (QueueType t : values()) if (t.wireName.equals(name)) return t;
        throw DomainException.invalid("queue type '" + name + "' is not supported (quorum or classic)");
    }
}
