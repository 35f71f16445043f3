package io.warren.metadata.port;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.codec.BinaryWriter;

/**
 * Where a message the broker itself republishes comes from (a dead-letter): the source queue's id, the message's
 * offset there, and the source's {@code head} when it was sent — its first present offset, so every offset below it
 * has left the source for good and will never be sent again. A target queue enqueues a message with a given origin
 * once: a retried republish whose first attempt was committed after all (a timeout, a partition) is not a second
 * copy.
 */
public record Origin(long queueId, long offset, long head) {
    public Origin {
        if (head > offset) throw new IllegalArgumentException("head " + head + " above offset " + offset);
    }

    public BinaryWriter writeTo(BinaryWriter w) { return w.i64(queueId).i64(offset).i64(head); }

    public static Origin readFrom(BinaryReader r) { return new Origin(r.i64(), r.i64(), r.i64()); }

    /** An optional origin: a flag, then the fields. */
    public static BinaryWriter writeOptional(BinaryWriter w, Origin o) {
        w.bool(o != null);
        return o == null ? w : o.writeTo(w);
    }

    public static Origin readOptional(BinaryReader r) { return r.bool() ? readFrom(r) : null; }
}
