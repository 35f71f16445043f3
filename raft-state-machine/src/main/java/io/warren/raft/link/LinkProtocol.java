package io.warren.raft.link;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;

/**
 * Frames on the link. A call is [op][arguments]; its answer [0][result] or [1][error kind][message].
 * Consumer streams: client frames SUBSCRIBE, CREDIT, CANCEL; server frames SUBSCRIBED, DELIVER, CANCELLED
 * (queue deleted), MOVED (the queue is now served elsewhere), REFUSED.
 */
public final class LinkProtocol {
    private LinkProtocol() { }

    // calls
    public static final int LEADER = 1, PUBLISH = 2, GET = 3, SETTLE = 4, REQUEUE = 5, PURGE = 6, STATS = 7,
            DISCARD = 8, STATUS = 9, JOIN = 10, JOIN_COMMIT = 11, FORGET = 12, EXPORT_METADATA = 13,
            SET_POLICY = 14, CLEAR_POLICY = 15, LIST_POLICIES = 16, LIST_QUEUES = 17,
            LIST_EXCHANGES = 18, LIST_BINDINGS = 19, METADATA_APPLIED = 20;

    // consumer stream, client → server
    public static final int SUBSCRIBE = 1, CREDIT = 2, CANCEL = 3;
    // consumer stream, server → client
    public static final int SUBSCRIBED = 1, DELIVER = 2, CANCELLED = 3, MOVED = 4, REFUSED = 5;

    public static BinaryWriter request(int op) { return new BinaryWriter(64).u8(op); }

    public static BinaryWriter ok() { return new BinaryWriter(32).u8(0); }

    public static byte[] error(Throwable t) {
        DomainException d = t instanceof DomainException de ? de
                : new DomainException(DomainException.Kind.INTERNAL, String.valueOf(t));
        return new BinaryWriter(64).u8(1).u8(d.kind().ordinal()).longStr(d.getMessage()).toByteArray();
    }

    /** Reads an answer: its result reader, or throws the domain error it carries. */
    public static BinaryReader answer(byte[] b) {
        BinaryReader r = new BinaryReader(b);
        if (r.u8() != 0) throw new DomainException(DomainException.Kind.values()[r.u8()], r.longStr());
        return r;
    }

    public static void queue(BinaryWriter w, QueueRecord q) { CommandCodec.writeQueue(w, q); }

    public static QueueRecord queue(BinaryReader r) { return CommandCodec.readQueue(r); }

    public static void offsets(BinaryWriter w, long[] offsets) {
        w.i32(offsets.length);
        for (long o : offsets) w.i64(o);
    }

    public static long[] offsets(BinaryReader r) {
        int n = r.i32();
        if (n < 0 || n > r.remaining() / 8) throw new BinaryReader.MalformedException("bad offset count " + n);
        long[] o = new long[n];
        for (int i = 0; i < n; i++) o[i] = r.i64();
        return o;
    }

    public static void spec(BinaryWriter w, ConsumerSpec s) {
        w.shortStr(s.tag()).bool(s.noAck()).bool(s.exclusive()).i32(s.priority()).longStr(s.channelId());
    }

    public static ConsumerSpec spec(BinaryReader r) {
        return new ConsumerSpec(r.shortStr(), r.bool(), r.bool(), r.i32(), r.longStr());
    }

    public static void delivery(BinaryWriter w, Delivery d) {
        w.i64(d.offset()).bool(d.redelivered()).i64(d.messageCount());
        d.message().writeTo(w);
    }

    public static Delivery delivery(BinaryReader r, QueueRecord q) {
        long offset = r.i64();
        boolean redelivered = r.bool();
        long count = r.i64();
        return new Delivery(q, offset, redelivered, Message.readFrom(r), count);
    }
}
