package io.warren.raft.link;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;
import io.warren.metadata.codec.StableCode;
import io.warren.metadata.command.CommandCodec;
import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;

/**
 * Consumer streams on the link, and the parts that calls and streams share. A stream frame is [kind code][fields]:
 * the consumer's node sends SUBSCRIBE, CREDIT, CANCEL; the queue's node answers SUBSCRIBED, DELIVER, CANCELLED
 * (queue deleted), MOVED (the queue is now served elsewhere), REFUSED. Calls are {@link LinkCall}s ({@link LinkCodec}).
 */
public final class LinkProtocol {
    private LinkProtocol() { }

    /** Frames from the consumer's node to the queue's. */
    public enum ToQueue implements StableCode {
        SUBSCRIBE(1), CREDIT(2), CANCEL(3);

        private final int code;
        private static final ToQueue[] BY_CODE = StableCode.byCode(values());

        ToQueue(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static ToQueue read(BinaryReader r) { return StableCode.of(BY_CODE, r.u8()); }

        public BinaryWriter frame(int sizeHint) { return new BinaryWriter(sizeHint).u8(code); }
    }

    /** Frames from the queue's node to the consumer's. */
    public enum ToConsumer implements StableCode {
        SUBSCRIBED(1), DELIVER(2), CANCELLED(3), MOVED(4), REFUSED(5);

        private final int code;
        private static final ToConsumer[] BY_CODE = StableCode.byCode(values());

        ToConsumer(int code) { this.code = code; }

        @Override public int code() { return code; }

        public static ToConsumer read(BinaryReader r) { return StableCode.of(BY_CODE, r.u8()); }

        public BinaryWriter frame(int sizeHint) { return new BinaryWriter(sizeHint).u8(code); }
    }

    /** A REFUSED frame: the queue's node would not register the consumer. */
    public static byte[] refused(DomainException e) {
        return ToConsumer.REFUSED.frame(64).u8(e.kind().code()).longStr(String.valueOf(e.getMessage())).toByteArray();
    }

    public static DomainException refusal(BinaryReader r) { return new DomainException(DomainException.Kind.ofCode(r.u8()), r.longStr()); }

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
