package io.warren.raft.queue;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands of a queue group's log. Every command names its queue, so one group can host many queues.
 * A log entry is a batch: version octet, the leader's clock when it made the entry (ms; every time-based effect of
 * the entry's commands — message expiry — counts from it, never from a replica's clock), count, then the commands
 * (group commit). Version 1 entries (written before queue features) have no time and no per-message TTL or priority;
 * version 2 entries have no origins.
 */
public sealed interface QueueOp {
    int VERSION = 3;

    /** A decoded entry: its time and its commands. */
    record Batch(long time, List<QueueOp> ops) { }

    /** Which command: its tag in the log (stable codes); encode, decode and apply switch over it. */
    enum Kind implements io.warren.metadata.codec.StableCode {
        ENQUEUE(1), SETTLE(2), RETURN(3), PURGE(4), ENQUEUE_CHUNK(5);

        private final int code;
        private static final Kind[] BY_CODE = io.warren.metadata.codec.StableCode.byCode(values());

        Kind(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static Kind ofCode(int code) { return io.warren.metadata.codec.StableCode.of(BY_CODE, code); }
    }

    Kind kind();

    long queueId();

    /** Bytes this command takes in an entry, roughly (for sizing batches). */
    int sizeEstimate();

    /**
     * A message into the queue. {@code ttl}: ms it may stay from the entry's time (the lower of the queue's and the
     * message's TTL, as the leader resolved them; -1 none). {@code level}: its priority level when it has one apart
     * from the queue's ordinary level, else -1. {@code origin}: where the broker republishes it from (null for a
     * client's publish); the queue takes a message of an origin once.
     */
    record Enqueue(long queueId, Message message, long ttl, int level, Origin origin) implements QueueOp {
        public Enqueue(long queueId, Message message) { this(queueId, message, -1, -1, null); }

        public Enqueue(long queueId, Message message, long ttl, int level) { this(queueId, message, ttl, level, null); }

        public Kind kind() { return Kind.ENQUEUE; }

        public int sizeEstimate() { return message.footprint() + 56; }
    }

    record Settle(long queueId, long[] offsets) implements QueueOp {
        public Kind kind() { return Kind.SETTLE; }

        public int sizeEstimate() { return offsets.length * 8 + 16; }
    }

    /** Back to the queue, delivery count incremented. */
    record Return(long queueId, long[] offsets) implements QueueOp {
        public Kind kind() { return Kind.RETURN; }

        public int sizeEstimate() { return offsets.length * 8 + 16; }
    }

    /**
     * One piece of a message too large for a single log entry (entries are bounded by the appender buffer).
     * Pieces are kept in the store until the {@code last} one arrives; then the message is enqueued whole (its
     * {@code origin} is the last piece's).
     */
    record EnqueueChunk(long queueId, long chunkId, int seq, boolean last, byte[] data, long ttl, int level, Origin origin) implements QueueOp {
        public EnqueueChunk(long queueId, long chunkId, int seq, boolean last, byte[] data) { this(queueId, chunkId, seq, last, data, -1, -1, null); }

        public Kind kind() { return Kind.ENQUEUE_CHUNK; }

        public int sizeEstimate() { return data.length + 56; }
    }

    /** Drops every present offset below {@code upTo} except {@code keep} (those checked out). */
    record Purge(long queueId, long upTo, long[] keep) implements QueueOp {
        public Kind kind() { return Kind.PURGE; }

        public int sizeEstimate() { return keep.length * 8 + 24; }
    }

    static byte[] encodeBatch(List<QueueOp> ops, long time) {
        int size = 24;
        for (QueueOp op : ops) size += op.sizeEstimate();
        BinaryWriter w = new BinaryWriter(size);
        w.u8(VERSION).i64(time).i32(ops.size());
        for (QueueOp op : ops) {
            writeFields(w.u8(op.kind().code()).i64(op.queueId()), op);
        }
        return w.toByteArray();
    }

    /** One case per kind: a new op does not compile until it is encoded here. */
    private static BinaryWriter writeFields(BinaryWriter w, QueueOp op) {
        return switch (op.kind()) {
            case ENQUEUE -> {
                Enqueue e = (Enqueue) op;
                e.message().writeTo(w);
                yield Origin.writeOptional(w.i64(e.ttl()).u8(e.level() & 0xff), e.origin());
            }
            case SETTLE -> offsets(w, ((Settle) op).offsets());
            case RETURN -> offsets(w, ((Return) op).offsets());
            case PURGE -> offsets(w.i64(((Purge) op).upTo()), ((Purge) op).keep());
            case ENQUEUE_CHUNK -> {
                EnqueueChunk c = (EnqueueChunk) op;
                yield Origin.writeOptional(w.i64(c.chunkId()).i32(c.seq()).bool(c.last()).longBytes(c.data()).i64(c.ttl()).u8(c.level() & 0xff),
                        c.origin());
            }
        };
    }

    static Batch decodeBatch(BinaryReader r) {
        int v = r.u8();
        if (v < 1 || v > VERSION) throw new IllegalArgumentException("unknown queue entry version " + v);
        boolean v1 = v == 1, origins = v >= 3;
        long time = v1 ? 0 : r.i64();
        int n = r.i32();
        List<QueueOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Kind kind = Kind.ofCode(r.u8());
            long q = r.i64();
            ops.add(switch (kind) {
                case ENQUEUE -> v1 ? new Enqueue(q, Message.readFrom(r))
                        : new Enqueue(q, Message.readFrom(r), r.i64(), level(r.u8()), origins ? Origin.readOptional(r) : null);
                case SETTLE -> new Settle(q, offsets(r));
                case RETURN -> new Return(q, offsets(r));
                case PURGE -> new Purge(q, r.i64(), offsets(r));
                case ENQUEUE_CHUNK -> v1 ? new EnqueueChunk(q, r.i64(), r.i32(), r.bool(), r.longBytes())
                        : new EnqueueChunk(q, r.i64(), r.i32(), r.bool(), r.longBytes(), r.i64(), level(r.u8()), origins ? Origin.readOptional(r) : null);
            });
        }
        return new Batch(time, ops);
    }

    private static int level(int octet) { return octet == 0xff ? -1 : octet; }

    private static BinaryWriter offsets(BinaryWriter w, long[] o) {
        w.i32(o.length);
        for (long x : o) w.i64(x);
        return w;
    }

    private static long[] offsets(BinaryReader r) {
        int n = r.i32();
        if (n < 0 || n > r.remaining() / 8) throw new IllegalArgumentException("bad offset count " + n);
        long[] o = new long[n];
        for (int i = 0; i < n; i++) o[i] = r.i64();
        return o;
    }
}
