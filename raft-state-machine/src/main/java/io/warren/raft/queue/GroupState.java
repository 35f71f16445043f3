package io.warren.raft.queue;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.raft.queue.QueueOp.Enqueue;
import io.warren.raft.queue.QueueOp.Purge;
import io.warren.raft.queue.QueueOp.Return;
import io.warren.raft.queue.QueueOp.Settle;
import io.warren.storage.Keys;
import io.warren.storage.Keyspace;
import io.warren.storage.RocksStore;
import org.apache.ratis.server.protocol.TermIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The replicated state of one queue group, without Ratis: the queues it hosts (present offsets, next offsets,
 * delivery counts, bodies) in the node's RocksDB, the group's applied index in the same write batch as each entry's
 * changes, deleted queues of a shared group, pieces of large messages. {@link #apply} depends only on this state and
 * the entry; the same entries from the same state give the same state on every replica.
 */
final class GroupState {
    private static final Logger LOG = LoggerFactory.getLogger(GroupState.class);

    private final RocksStore store;
    private final AtomicLong cacheBudget;
    private final String groupUuid;
    private final Map<Long, QueueData> queues = new ConcurrentHashMap<>();
    private final byte[] appliedKey;
    private final byte[] queuesPrefix;
    /** Queues deleted while their (shared) group lives on: ops still in its log for them are ignored. */
    private final byte[] droppedPrefix;
    private final byte[] chunksPrefix;
    private final OriginKeys origins;
    private final Set<Long> dropped = ConcurrentHashMap.newKeySet();
    /** Held while an entry is applied and while a queue is dropped from outside the apply thread. */
    private final Object applyLock = new Object();
    /** The index stored in RocksDB at start-up (or import): entries up to it are already in the store. */
    private long storedIndex = -1;

    /** The group's state as {@code store} holds it (empty for a new group). */
    GroupState(RocksStore store, AtomicLong cacheBudget, String groupUuid) {
        this.store = store;
        this.cacheBudget = cacheBudget;
        this.groupUuid = groupUuid;
        appliedKey = Keys.of("applied/" + groupUuid);
        queuesPrefix = Keys.of("queues/" + groupUuid + "/");
        droppedPrefix = Keys.of("dropped/" + groupUuid + "/");
        chunksPrefix = Keys.of("chunks/" + groupUuid + "/");
        origins = new OriginKeys(groupUuid);
        byte[] stored = store.get(Keyspace.GROUP, appliedKey);
        if (stored != null) storedIndex = ByteBuffer.wrap(stored).getLong(8);
        recover();
    }

    long storedIndex() { return storedIndex; }

    /**
     * Applies one log entry (a batch of ops) at {@code term}/{@code index}: the reply (each op's result), or null for an
     * entry at or below the stored index (already in the store: replayed after a restart). Listeners are told in
     * {@code notify}, to run once the entry is applied.
     */
    byte[] apply(long term, long index, ByteBuffer data, List<Runnable> notify) {
        if (index <= storedIndex) return null;
        QueueOp.Batch entry = QueueOp.decodeBatch(new BinaryReader(data));
        List<QueueOp> ops = entry.ops();
        BinaryWriter reply = new BinaryWriter(8 + ops.size() * 8);
        synchronized (applyLock) { // a queue dropped meanwhile (shared group) is dropped before or after this entry, whole
            try (RocksStore.Batch batch = store.batch()) {
                for (QueueOp op : ops) reply.i64(apply(op, entry.time(), batch, notify));
                for (QueueData d : touched(ops)) {
                    batch.put(Keyspace.GROUP, queueKey(d.queueId), Keys.of(d.nextOffset));
                }
                batch.put(Keyspace.GROUP, appliedKey, Keys.of(term, index));
                batch.commit();
            }
            for (QueueOp op : ops) {
                QueueData d = queues.get(op.queueId());
                if (d != null && !d.entryIndex.isEmpty()) d.entryIndex.clear();
            }
        }
        return reply.toByteArray();
    }

    private static final int EXPORT_CHUNK_BYTES = 1 << 20;

    /**
     * Writes this group's state as seen by {@code view} in chunks of [keyspace][key][value] entries; returns the
     * index the state is at (its applied index in the same view).
     */
    TermIndex export(RocksStore.View view, java.util.function.Consumer<byte[]> chunks) {
        BinaryWriter w = new BinaryWriter(EXPORT_CHUNK_BYTES + 4096);
        RocksStore.EntryVisitor[] emit = new RocksStore.EntryVisitor[Keyspace.values().length];
        for (Keyspace ks : Keyspace.values()) {
            emit[ks.ordinal()] = (k, v) -> {
                w.u8(ks.code()).longBytes(k).longBytes(v);
                if (w.size() >= EXPORT_CHUNK_BYTES) { chunks.accept(w.toByteArray()); w.reset(); }
                return true;
            };
        }
        List<Long> qids = new ArrayList<>();
        view.scan(Keyspace.GROUP, queuesPrefix, prefixEnd(queuesPrefix), (k, v) -> {
            qids.add(Keys.longAt(k, queuesPrefix.length));
            return emit[Keyspace.GROUP.ordinal()].visit(k, v);
        });
        view.scan(Keyspace.GROUP, chunksPrefix, prefixEnd(chunksPrefix), emit[Keyspace.GROUP.ordinal()]);
        view.scan(Keyspace.GROUP, droppedPrefix, prefixEnd(droppedPrefix), emit[Keyspace.GROUP.ordinal()]);
        origins.export(view, emit[Keyspace.GROUP.ordinal()]);
        for (long q : qids) {
            view.scan(Keyspace.INDEX, Keys.of(q, 0), Keys.of(q + 1, 0), emit[Keyspace.INDEX.ordinal()]);
            view.scan(Keyspace.MESSAGE, Keys.of(q, 0), Keys.of(q + 1, 0), emit[Keyspace.MESSAGE.ordinal()]);
        }
        byte[] applied = view.get(Keyspace.GROUP, appliedKey);
        if (applied != null) emit[Keyspace.GROUP.ordinal()].visit(appliedKey, applied);
        if (w.size() > 0) chunks.accept(w.toByteArray());
        return applied == null ? null : TermIndex.valueOf(ByteBuffer.wrap(applied).getLong(), ByteBuffer.wrap(applied).getLong(8));
    }

    /** Before an import: this replica's state of the group is dropped. */
    void beginImport() {
        for (Long q : List.copyOf(queues.keySet())) dropQueue(q);
        dropped.clear();
        try (RocksStore.Batch batch = store.batch()) {
            batch.deleteRange(Keyspace.GROUP, chunksPrefix, prefixEnd(chunksPrefix));
            batch.deleteRange(Keyspace.GROUP, droppedPrefix, prefixEnd(droppedPrefix));
            origins.dropAll(batch);
            batch.delete(Keyspace.GROUP, appliedKey);
            batch.commit();
        }
    }

    void importChunk(byte[] chunk) {
        BinaryReader r = new BinaryReader(chunk);
        try (RocksStore.Batch batch = store.batch()) {
            while (r.hasRemaining()) batch.put(Keyspace.ofCode(r.u8()), r.longBytes(), r.longBytes());
            batch.commit();
        }
    }

    /** The import is complete at {@code index}: rebuild the in-memory view from the store. */
    void finishImport(long index) {
        store.flush();
        queues.clear();
        storedIndex = index;
        recover();
    }

    /** Rebuilds the in-memory view (present offsets, delivery counts) from the store. */
    private void recover() {
        store.scan(Keyspace.GROUP, droppedPrefix, prefixEnd(droppedPrefix), (k, v) -> {
            dropped.add(Keys.longAt(k, droppedPrefix.length));
            return true;
        });
        byte[] to = prefixEnd(queuesPrefix);
        store.scan(Keyspace.GROUP, queuesPrefix, to, (k, v) -> {
            long qid = Keys.longAt(k, queuesPrefix.length);
            QueueData d = new QueueData(qid, store, cacheBudget);
            d.nextOffset = ByteBuffer.wrap(v).getLong();
            queues.put(qid, d);
            return true;
        });
        for (QueueData d : queues.values()) {
            store.scan(Keyspace.INDEX, Keys.of(d.queueId, 0), Keys.of(d.queueId + 1, 0), (k, v) -> {
                long off = Keys.longAt(k, 8);
                d.present.add(off);
                int dc = QueueData.deliveryCountOf(v);
                if (dc > 0) d.deliveryCounts.put(off, dc);
                long exp = QueueData.expiresAtOf(v);
                if (exp >= 0) d.expiries.add(off, exp);
                d.addLevel(off, QueueData.levelOf(v));
                d.bytes += QueueData.bodySizeOf(v);
                return true;
            });
        }
        origins.recover(store, queues);
        if (!queues.isEmpty()) {
            LOG.info("group-{}: recovered {} queue(s) at stored index {}", groupUuid, queues.size(), storedIndex);
        }
    }

    static byte[] prefixEnd(byte[] prefix) {
        byte[] e = Arrays.copyOf(prefix, prefix.length);
        e[e.length - 1]++;
        return e;
    }

    /** The data of a queue hosted by this group (created empty on first use). */
    QueueData queue(long queueId) {
        return queues.computeIfAbsent(queueId, id -> new QueueData(id, store, cacheBudget));
    }

    void attach(long queueId, QueueData.QueueListener listener) { queue(queueId).listener = listener; }

    private List<QueueData> touched(List<QueueOp> ops) {
        List<QueueData> l = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (QueueOp op : ops) {
            if ((op.kind() == QueueOp.Kind.ENQUEUE || op.kind() == QueueOp.Kind.ENQUEUE_CHUNK) && op.queueId() != last) {
                QueueData d = queues.get(op.queueId());
                if (d != null && !l.contains(d)) l.add(d);
                last = op.queueId();
            }
        }
        return l;
    }

    private byte[] chunkPrefix(long queueId, long chunkId) {
        return ByteBuffer.allocate(chunksPrefix.length + 16).put(chunksPrefix).putLong(queueId).putLong(chunkId).array();
    }

    private byte[] queueKey(long queueId) {
        return ByteBuffer.allocate(queuesPrefix.length + 8).put(queuesPrefix).putLong(queueId).array();
    }

    /** Applies one command; returns its result (the offset of an enqueue, the count of a purge). */
    private long apply(QueueOp op, long time, RocksStore.Batch batch, List<Runnable> notify) {
        if (dropped.contains(op.queueId())) return -1; // deleted: the op came after the deletion, it has no effect
        QueueData d = queue(op.queueId());
        synchronized (d.lock()) {
            return apply(d, op, time, batch, notify);
        }
    }

    /** One case per op kind: a new op does not compile until it applies here. {@code time}: the entry's. */
    private long apply(QueueData d, QueueOp op, long time, RocksStore.Batch batch, List<Runnable> notify) {
        return switch (op.kind()) {
            case ENQUEUE -> enqueue(d, (Enqueue) op, time, batch, notify);
            case ENQUEUE_CHUNK -> enqueueChunk(d, (QueueOp.EnqueueChunk) op, time, batch, notify);
            case SETTLE -> settle(d, (Settle) op, batch, notify);
            case RETURN -> giveBack(d, (Return) op, batch, notify);
            case PURGE -> purge(d, (Purge) op, batch, notify);
        };
    }

    private long enqueueChunk(QueueData d, QueueOp.EnqueueChunk c, long time, RocksStore.Batch batch, List<Runnable> notify) {
        byte[] prefix = chunkPrefix(c.queueId(), c.chunkId());
        if (!c.last()) {
            batch.put(Keyspace.GROUP, ByteBuffer.allocate(prefix.length + 4).put(prefix).putInt(c.seq()).array(), c.data());
            return -1;
        }
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        store.scan(Keyspace.GROUP, prefix, prefixEnd(prefix), (k, v) -> { whole.writeBytes(v); return true; });
        whole.writeBytes(c.data());
        batch.deleteRange(Keyspace.GROUP, prefix, prefixEnd(prefix));
        return enqueue(d, new Enqueue(c.queueId(), io.warren.metadata.port.Message.decode(whole.toByteArray()), c.ttl(), c.level(), c.origin()),
                time, batch, notify);
    }

    /** Enqueues {@code e}'s message; -1 (nothing changes) for a copy of a message of the same origin taken before. */
    private long enqueue(QueueData d, Enqueue e, long time, RocksStore.Batch batch, List<Runnable> notify) {
        if (e.origin() != null && !origins.take(d, e.origin(), batch)) return -1;
        long off = d.nextOffset++;
        byte[] body = e.message().encode();
        int bodySize = e.message().body().length;
        long expiresAt = e.ttl() >= 0 ? time + e.ttl() : -1;
        batch.put(Keyspace.MESSAGE, Keys.of(d.queueId, off), body);
        d.putIndex(batch, off, QueueData.indexValue(body.length, 0, expiresAt, e.level(), bodySize));
        d.present.add(off);
        if (expiresAt >= 0) d.expiries.add(off, expiresAt);
        d.addLevel(off, e.level());
        d.bytes += bodySize;
        d.cache(off, e.message());
        notify.add(() -> { QueueData.QueueListener l = d.listener; if (l != null) l.enqueued(off, bodySize); });
        return off;
    }

    private long settle(QueueData d, Settle s, RocksStore.Batch batch, List<Runnable> notify) {
        for (long off : s.offsets()) {
            if (d.present.remove(off)) {
                d.removed(off, -1);
                batch.delete(Keyspace.MESSAGE, Keys.of(d.queueId, off));
                batch.delete(Keyspace.INDEX, Keys.of(d.queueId, off));
                d.deliveryCounts.remove(off);
                d.uncache(off);
            }
        }
        d.trimExpiries();
        notify.add(() -> { QueueData.QueueListener l = d.listener; if (l != null) l.settled(s.offsets()); });
        return s.offsets().length;
    }

    private long giveBack(QueueData d, Return r, RocksStore.Batch batch, List<Runnable> notify) {
        for (long off : r.offsets()) {
            if (d.present.contains(off)) {
                int dc = d.deliveryCounts.merge(off, 1, Integer::sum);
                byte[] v = d.indexValue(off);
                d.putIndex(batch, off, v == null || v.length < 21
                        ? QueueData.indexValue(v == null ? 0 : v.length, dc, -1, -1, v == null ? 0 : QueueData.bodySizeOf(v))
                        : QueueData.withDeliveryCount(v, dc));
            }
        }
        notify.add(() -> { QueueData.QueueListener l = d.listener; if (l != null) l.returned(r.offsets()); });
        return r.offsets().length;
    }

    private long purge(QueueData d, Purge p, RocksStore.Batch batch, List<Runnable> notify) {
        long[] keep = p.keep().clone();
        Arrays.sort(keep);
        long removed = 0;
        long from = 0;
        for (int i = 0; i <= keep.length; i++) {
            long to = i < keep.length ? Math.min(keep[i], p.upTo()) : p.upTo();
            if (to > from) {
                for (long off = d.present.firstFrom(from); off >= 0 && off < to; off = d.present.firstFrom(off + 1)) {
                    d.removed(off, 0);
                    d.present.remove(off);
                    d.deliveryCounts.remove(off);
                    d.uncache(off);
                    removed++;
                }
                batch.deleteRange(Keyspace.MESSAGE, Keys.of(d.queueId, from), Keys.of(d.queueId, to));
                batch.deleteRange(Keyspace.INDEX, Keys.of(d.queueId, from), Keys.of(d.queueId, to));
            }
            if (i < keep.length) from = keep[i] + 1;
        }
        d.recountBytes();
        d.trimExpiries();
        notify.add(() -> { QueueData.QueueListener l = d.listener; if (l != null) l.purged(p.upTo()); });
        return removed;
    }

    /** Removes every trace of a queue from the store (the queue was deleted). */
    void dropQueue(long queueId) {
        synchronized (applyLock) {
            dropQueueLocked(queueId);
        }
    }

    private void dropQueueLocked(long queueId) {
        dropped.add(queueId);
        QueueData d = queues.remove(queueId);
        if (d != null) d.uncacheAll();
        try (RocksStore.Batch batch = store.batch()) {
            batch.put(Keyspace.GROUP, ByteBuffer.allocate(droppedPrefix.length + 8).put(droppedPrefix).putLong(queueId).array(), new byte[0]);
            batch.deleteRange(Keyspace.MESSAGE, Keys.of(queueId, 0), Keys.of(queueId + 1, 0));
            batch.deleteRange(Keyspace.INDEX, Keys.of(queueId, 0), Keys.of(queueId + 1, 0));
            batch.delete(Keyspace.GROUP, queueKey(queueId));
            origins.dropQueue(batch, queueId);
            batch.commit();
        }
    }

    /** The group is removed from this node: forget its bookkeeping too. */
    void dropGroup() {
        for (Long q : List.copyOf(queues.keySet())) dropQueue(q);
        dropped.clear();
        try (RocksStore.Batch batch = store.batch()) {
            batch.deleteRange(Keyspace.GROUP, droppedPrefix, prefixEnd(droppedPrefix));
            origins.dropAll(batch);
            batch.delete(Keyspace.GROUP, appliedKey);
            batch.commit();
        }
    }

    /** Every queue's bodies out of the in-memory cache (the group closes). */
    void uncacheAll() { for (QueueData d : queues.values()) d.uncacheAll(); }

    /**
     * A canonical description of the whole state, for comparing replicas: per queue (by id) its next offset, present
     * offsets with delivery counts and bodies; the deleted queues; the applied index.
     */
    String describe() {
        StringBuilder b = new StringBuilder();
        for (var e : new TreeMap<>(queues).entrySet()) {
            QueueData d = e.getValue();
            b.append("queue ").append(e.getKey()).append(" next ").append(d.nextOffset).append(" bytes ").append(d.bytes)
                    .append(" origins ").append(d.seen.describe()).append('\n');
            for (long off = d.present.firstFrom(0); off >= 0; off = d.present.firstFrom(off + 1)) {
                var m = d.load(off);
                b.append("  ").append(off).append(" dc ").append(d.deliveryCount(off)).append(" exp ").append(d.expiresAt(off))
                        .append(" lvl ").append(d.hasLevel(off)).append(' ')
                        .append(m == null ? "(no body)" : m.exchange() + "/" + m.routingKey() + "/" + Arrays.hashCode(m.body()) + "/" + m.body().length)
                        .append('\n');
            }
        }
        b.append("dropped ").append(new java.util.TreeSet<>(dropped)).append('\n');
        byte[] applied = store.get(Keyspace.GROUP, appliedKey);
        b.append("applied ").append(applied == null ? "none" : ByteBuffer.wrap(applied).getLong(8)).append('\n');
        return b.toString();
    }
}
