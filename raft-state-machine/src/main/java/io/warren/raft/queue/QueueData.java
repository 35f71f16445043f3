package io.warren.raft.queue;

import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.port.Message;
import io.warren.storage.Keys;
import io.warren.storage.Keyspace;
import io.warren.storage.RocksStore;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replicated state of one queue inside its group: which offsets are present, the next offset, delivery
 * counts of returned messages, when messages expire, the priority levels of messages that have one apart from the
 * ordinary level, and the body bytes present. Bodies live in RocksDB; recent ones are also kept in memory (bounded by
 * a node-wide byte budget) so a consumer that keeps up never reads the disk.
 * <p>An index value is [encoded size i32][delivery count i32][expires at i64, -1 none][level i8, -1 none][body size
 * i32]; values written before queue features have the first two fields only.
 */
public final class QueueData {
    final long queueId;
    final OffsetSet present = new OffsetSet();
    final Map<Long, Integer> deliveryCounts = new HashMap<>();
    final io.warren.metadata.queue.ExpiryRuns expiries = new io.warren.metadata.queue.ExpiryRuns();
    /** Offsets with a priority level of their own, by level. */
    final java.util.TreeMap<Integer, OffsetSet> levels = new java.util.TreeMap<>();
    /** Body bytes of the present messages. */
    long bytes;
    /** The origins of messages the broker republished into this queue (dead-letters), so a retry is taken once. */
    final io.warren.metadata.queue.SeenOrigins seen = new io.warren.metadata.queue.SeenOrigins();
    /** Index values written by the entry being applied (not in the store until it commits). */
    final Map<Long, byte[]> entryIndex = new HashMap<>();
    private final Map<Long, Message> recent = new ConcurrentHashMap<>();
    private final AtomicLong cacheBudget;
    private final RocksStore store;
    long nextOffset;
    /** Told about applied changes; the engine that delivers this queue's messages. */
    volatile QueueListener listener;

    QueueData(long queueId, RocksStore store, AtomicLong cacheBudget) {
        this.queueId = queueId;
        this.store = store;
        this.cacheBudget = cacheBudget;
    }

    public long nextOffset() { return nextOffset; }

    /** The lock under which this state changes and is read: the delivering engine's, once one is attached. */
    Object lock() {
        QueueListener l = listener;
        return l != null ? l : this;
    }

    public long count() { return present.count(); }

    boolean contains(long off) { return present.contains(off); }

    long firstFrom(long off) { return present.firstFrom(off); }

    int deliveryCount(long off) { return deliveryCounts.getOrDefault(off, 0); }

    long expiresAt(long off) { return expiries.expiresAt(off); }

    /** The levels that have messages of their own, highest first. */
    int[] levelsDescending() {
        if (levels.isEmpty()) return NO_LEVELS;
        return levels.descendingKeySet().stream().mapToInt(Integer::intValue).toArray();
    }

    private static final int[] NO_LEVELS = {};

    long firstAtLevel(int level, long from) {
        OffsetSet s = levels.get(level);
        return s == null ? -1 : s.firstFrom(from);
    }

    boolean hasLevel(long off) {
        if (levels.isEmpty()) return false;
        for (OffsetSet s : levels.values()) if (s.contains(off)) return true;
        return false;
    }

    void addLevel(long off, int level) {
        if (level >= 0) levels.computeIfAbsent(level, l -> new OffsetSet()).add(off);
    }

    /** {@code off} is gone: out of its level, its bytes off the total ({@code bodySize} when known, else -1). */
    void removed(long off, int bodySize) {
        if (!levels.isEmpty()) {
            for (var it = levels.values().iterator(); it.hasNext(); ) {
                OffsetSet s = it.next();
                if (s.remove(off)) {
                    if (s.count() == 0) it.remove();
                    break;
                }
            }
        }
        if (bodySize < 0) bodySize = bodySize(off);
        bytes -= bodySize;
    }

    private int bodySize(long off) {
        Message m = recent.get(off);
        if (m != null) return m.body().length;
        byte[] v = indexValue(off);
        return v == null ? 0 : bodySizeOf(v);
    }

    /** The index value of {@code off} as the entry being applied leaves it. */
    byte[] indexValue(long off) {
        byte[] pending = entryIndex.get(off);
        return pending != null ? pending : store.get(Keyspace.INDEX, Keys.of(queueId, off));
    }

    void putIndex(RocksStore.Batch batch, long off, byte[] value) {
        batch.put(Keyspace.INDEX, Keys.of(queueId, off), value);
        entryIndex.put(off, value);
    }

    /** Keeps a body in memory for delivery, on the node that delivers (an engine is attached) only. */
    void cache(long off, Message m) {
        if (listener == null) return;
        int n = m.footprint();
        if (cacheBudget.addAndGet(-n) >= 0) recent.put(off, m);
        else cacheBudget.addAndGet(n);
    }

    void uncache(long off) {
        Message m = recent.remove(off);
        if (m != null) cacheBudget.addAndGet(m.footprint());
    }

    void uncacheAll() { for (Long off : recent.keySet()) uncache(off); }

    Message load(long off) {
        Message m = recent.get(off);
        if (m != null) return m;
        byte[] b = store.get(Keyspace.MESSAGE, Keys.of(queueId, off));
        return b == null ? null : Message.decode(b);
    }

    /** Expiry runs below the first present offset are forgotten. */
    void trimExpiries() {
        if (expiries.isEmpty()) return;
        long head = present.firstFrom(0);
        expiries.dropBelow(head < 0 ? nextOffset : head);
    }

    /** The body bytes of what is present, counted again from the index (after a purge leaves a few). */
    void recountBytes() {
        long sum = 0;
        for (long off = present.firstFrom(0); off >= 0; off = present.firstFrom(off + 1)) sum += bodySize(off);
        bytes = sum;
    }

    static byte[] indexValue(int size, int deliveryCount, long expiresAt, int level, int bodySize) {
        return new BinaryWriter(21).i32(size).i32(deliveryCount).i64(expiresAt).u8(level & 0xff).i32(bodySize).toByteArray();
    }

    /** The same index value with another delivery count. */
    static byte[] withDeliveryCount(byte[] indexValue, int deliveryCount) {
        byte[] v = indexValue.clone();
        ByteBuffer.wrap(v).putInt(4, deliveryCount);
        return v;
    }

    static int deliveryCountOf(byte[] indexValue) { return ByteBuffer.wrap(indexValue).getInt(4); }

    static long expiresAtOf(byte[] v) { return v.length >= 21 ? ByteBuffer.wrap(v).getLong(8) : -1; }

    static int levelOf(byte[] v) { return v.length >= 21 && (v[16] & 0xff) != 0xff ? v[16] & 0xff : -1; }

    static int bodySizeOf(byte[] v) { return v.length >= 21 ? ByteBuffer.wrap(v).getInt(17) : ByteBuffer.wrap(v).getInt(0); }

    public interface QueueListener {
        /** A message of {@code bodySize} bytes is present at {@code offset}. */
        void enqueued(long offset, int bodySize);

        void settled(long[] offsets);

        void returned(long[] offsets);

        void purged(long upTo);
    }
}
