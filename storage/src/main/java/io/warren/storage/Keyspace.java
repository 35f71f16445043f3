package io.warren.storage;

/** The key spaces of a node's store, one RocksDB column family each. */
public enum Keyspace {
    /** Per-group bookkeeping: applied index, queue counters. */
    GROUP("group", 0),
    /** Message index entries: queue id + offset → size, delivery count. Small, scanned at recovery. */
    INDEX("index", 1),
    /** Message bodies: queue id + offset → encoded message. Read on cache miss. */
    MESSAGE("message", 2);

    final String cfName;
    private final int code;

    Keyspace(String cfName, int code) {
        this.cfName = cfName;
        this.code = code;
    }

    /** The number that stands for this key space in snapshots and state transfers (fixed, not the ordinal). */
    public int code() { return code; }

    public static Keyspace ofCode(int code) {
        for (Keyspace k : values()) if (k.code == code) return k;
        throw new IllegalArgumentException("unknown key space code " + code);
    }
}
