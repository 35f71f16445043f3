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
 * counts of returned messages. Bodies live in RocksDB; recent ones are also kept in memory (bounded by a
 * node-wide byte budget) so a consumer that keeps up never reads the disk.
 */
public final class QueueData {
    final long queueId;
    final OffsetSet present = new OffsetSet();
    final Map<Long, Integer> deliveryCounts = new HashMap<>();
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

    static byte[] indexValue(int size, int deliveryCount) {
        return new BinaryWriter(8).i32(size).i32(deliveryCount).toByteArray();
    }

    static int deliveryCountOf(byte[] indexValue) { return ByteBuffer.wrap(indexValue).getInt(4); }

    public interface QueueListener {
        void enqueued();

        void settled(long[] offsets);

        void returned(long[] offsets);

        void purged(long upTo);
    }
}
