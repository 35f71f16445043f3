package io.warren.raft.queue;

import io.warren.metadata.port.Origin;
import io.warren.metadata.queue.SeenOrigins;
import io.warren.storage.Keys;
import io.warren.storage.Keyspace;
import io.warren.storage.RocksStore;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Where a group keeps its queues' {@link SeenOrigins} in the store: a key per origin taken,
 * {@code seen/<group>/<queue><source><offset>}, and the source's head, {@code seenhead/<group>/<queue><source>}
 * (i64). Written in the entry's batch, so they move with the applied index, the snapshot and a state transfer.
 */
final class OriginKeys {
    private static final byte[] EMPTY = new byte[0];

    final byte[] seenPrefix;
    final byte[] headPrefix;

    OriginKeys(String groupUuid) {
        seenPrefix = Keys.of("seen/" + groupUuid + "/");
        headPrefix = Keys.of("seenhead/" + groupUuid + "/");
    }

    /**
     * Takes {@code o} into queue {@code d}'s origins and writes what changed to {@code batch}; false for a copy of a
     * message the queue took before (nothing is written).
     */
    boolean take(QueueData d, Origin o, RocksStore.Batch batch) {
        SeenOrigins.Change c = d.seen.take(o);
        if (c == null) return false;
        batch.put(Keyspace.GROUP, key(seenPrefix, d.queueId, o.queueId(), o.offset()), EMPTY);
        if (c.headMoved()) {
            batch.deleteRange(Keyspace.GROUP, key(seenPrefix, d.queueId, o.queueId(), 0), key(seenPrefix, d.queueId, o.queueId(), c.newHead()));
            batch.put(Keyspace.GROUP, key(headPrefix, d.queueId, o.queueId()), Keys.of(c.newHead()));
        }
        return true;
    }

    /** Reads the origins of the queues in {@code queues} back from the store. */
    void recover(RocksStore store, Map<Long, QueueData> queues) {
        int at = seenPrefix.length;
        store.scan(Keyspace.GROUP, seenPrefix, GroupState.prefixEnd(seenPrefix), (k, v) -> {
            QueueData d = queues.get(Keys.longAt(k, at));
            if (d != null) d.seen.restoreOffset(Keys.longAt(k, at + 8), Keys.longAt(k, at + 16));
            return true;
        });
        int hat = headPrefix.length;
        store.scan(Keyspace.GROUP, headPrefix, GroupState.prefixEnd(headPrefix), (k, v) -> {
            QueueData d = queues.get(Keys.longAt(k, hat));
            if (d != null) d.seen.restoreHead(Keys.longAt(k, hat + 8), ByteBuffer.wrap(v).getLong());
            return true;
        });
    }

    /** Every origin key of the group, for a state transfer. */
    void export(RocksStore.View view, RocksStore.EntryVisitor emit) {
        view.scan(Keyspace.GROUP, seenPrefix, GroupState.prefixEnd(seenPrefix), emit);
        view.scan(Keyspace.GROUP, headPrefix, GroupState.prefixEnd(headPrefix), emit);
    }

    /** Deletes the origins of queue {@code queueId}. */
    void dropQueue(RocksStore.Batch batch, long queueId) {
        batch.deleteRange(Keyspace.GROUP, key(seenPrefix, queueId), key(seenPrefix, queueId + 1));
        batch.deleteRange(Keyspace.GROUP, key(headPrefix, queueId), key(headPrefix, queueId + 1));
    }

    /** Deletes every origin of the group. */
    void dropAll(RocksStore.Batch batch) {
        batch.deleteRange(Keyspace.GROUP, seenPrefix, GroupState.prefixEnd(seenPrefix));
        batch.deleteRange(Keyspace.GROUP, headPrefix, GroupState.prefixEnd(headPrefix));
    }

    private static byte[] key(byte[] prefix, long... ids) {
        ByteBuffer b = ByteBuffer.allocate(prefix.length + 8 * ids.length).put(prefix);
        for (long id : ids) b.putLong(id);
        return b.array();
    }
}
