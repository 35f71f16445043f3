package io.warren.storage;

/** The key spaces of a node's store, one RocksDB column family each. */
public enum Keyspace {
    /** Per-group bookkeeping: applied index, queue counters. */
    GROUP("group"),
    /** Message index entries: queue id + offset → size, delivery count. Small, scanned at recovery. */
    INDEX("index"),
    /** Message bodies: queue id + offset → encoded message. Read on cache miss. */
    MESSAGE("message");

    final String cfName;

    public static Keyspace byOrdinal(int i) { return values()[i]; }

    Keyspace(String cfName) { this.cfName = cfName; }
}
