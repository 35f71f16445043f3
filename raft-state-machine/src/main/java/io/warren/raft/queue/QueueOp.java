package io.warren.raft.queue;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.port.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands of a queue group's log. Every command names its queue, so one group can host many queues.
 * A log entry is a batch: version octet, count, then the commands (group commit).
 */
public sealed interface QueueOp {
    int VERSION = 1;

    long queueId();

    /** Bytes this command takes in an entry, roughly (for sizing batches). */
    default int sizeEstimate() {
        if (this instanceof Enqueue e) return e.message().footprint() + 32;
        if (this instanceof EnqueueChunk c) return c.data().length + 32;
        if (this instanceof Settle s) return s.offsets().length * 8 + 16;
        if (this instanceof Return r) return r.offsets().length * 8 + 16;
        if (this instanceof Purge p) return p.keep().length * 8 + 24;
        return 64;
    }

    record Enqueue(long queueId, Message message) implements QueueOp { }

    record Settle(long queueId, long[] offsets) implements QueueOp { }

    /** Back to the queue, delivery count incremented. */
    record Return(long queueId, long[] offsets) implements QueueOp { }

    /**
     * One piece of a message too large for a single log entry (entries are bounded by the appender buffer).
     * Pieces are kept in the store until the {@code last} one arrives; then the message is enqueued whole.
     */
    record EnqueueChunk(long queueId, long chunkId, int seq, boolean last, byte[] data) implements QueueOp { }

    /** Drops every present offset below {@code upTo} except {@code keep} (those checked out). */
    record Purge(long queueId, long upTo, long[] keep) implements QueueOp { }

    static byte[] encodeBatch(List<QueueOp> ops) {
        int size = 16;
        for (QueueOp op : ops) size += op.sizeEstimate();
        BinaryWriter w = new BinaryWriter(size);
        w.u8(VERSION).i32(ops.size());
        for (QueueOp op : ops) {
            if (op instanceof Enqueue e) { w.u8(1).i64(e.queueId()); e.message().writeTo(w); }
            else if (op instanceof Settle s) { w.u8(2).i64(s.queueId()); offsets(w, s.offsets()); }
            else if (op instanceof Return r) { w.u8(3).i64(r.queueId()); offsets(w, r.offsets()); }
            else if (op instanceof Purge p) { w.u8(4).i64(p.queueId()).i64(p.upTo()); offsets(w, p.keep()); }
            else if (op instanceof EnqueueChunk c) { w.u8(5).i64(c.queueId()).i64(c.chunkId()).i32(c.seq()).bool(c.last()).longBytes(c.data()); }
        }
        return w.toByteArray();
    }

    static List<QueueOp> decodeBatch(BinaryReader r) {
        int v = r.u8();
        if (v != VERSION) throw new IllegalArgumentException("unknown queue entry version " + v);
        int n = r.i32();
        List<QueueOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int tag = r.u8();
            long q = r.i64();
            ops.add(switch (tag) {
                case 1 -> new Enqueue(q, Message.readFrom(r));
                case 2 -> new Settle(q, offsets(r));
                case 3 -> new Return(q, offsets(r));
                case 4 -> new Purge(q, r.i64(), offsets(r));
                case 5 -> new EnqueueChunk(q, r.i64(), r.i32(), r.bool(), r.longBytes());
                default -> throw new IllegalArgumentException("unknown queue op " + tag);
            });
        }
        return ops;
    }

    private static void offsets(BinaryWriter w, long[] o) {
        w.i32(o.length);
        for (long x : o) w.i64(x);
    }

    private static long[] offsets(BinaryReader r) {
        int n = r.i32();
        if (n < 0 || n > r.remaining() / 8) throw new IllegalArgumentException("bad offset count " + n);
        long[] o = new long[n];
        for (int i = 0; i < n; i++) o[i] = r.i64();
        return o;
    }
}
