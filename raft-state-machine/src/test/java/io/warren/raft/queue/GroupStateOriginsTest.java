package io.warren.raft.queue;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.storage.RocksStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A queue takes a republished message (a dead-letter) of a given origin once: a retry whose first attempt was
 * committed after all is skipped, also after a restart, and what is remembered shrinks as the source's head moves.
 */
class GroupStateOriginsTest {
    private static final String GROUP = "5c1a0a52-7d3e-4f7a-9b43-0000000000b2";
    private static final long Q = 1, SOURCE = 7;
    @TempDir Path dir;
    private long index;

    /** Applies one enqueue of {@code origin}; the offset it got, or -1 when it was not taken. */
    private long enqueue(GroupState s, Origin origin) {
        QueueOp op = new QueueOp.Enqueue(Q, new Message("dlx", "k", new byte[]{0, 0}, "m".getBytes()), -1, -1, origin);
        byte[] reply = s.apply(1, ++index, ByteBuffer.wrap(QueueOp.encodeBatch(List.of(op), 1_000)), new ArrayList<>());
        return new BinaryReader(reply).i64();
    }

    @Test
    void aRetriedRepublishIsTakenOnceAcrossARestart() throws Exception {
        try (RocksStore store = new RocksStore(dir.resolve("s"))) {
            AtomicLong budget = new AtomicLong(1 << 20);
            GroupState s = new GroupState(store, budget, GROUP);
            assertEquals(0, enqueue(s, new Origin(SOURCE, 3, 0)));
            assertEquals(-1, enqueue(s, new Origin(SOURCE, 3, 0)), "the retry of a message taken");
            assertEquals(1, enqueue(s, new Origin(SOURCE, 4, 0)));
            assertEquals(2, enqueue(s, new Origin(SOURCE + 1, 3, 0)), "the same offset of another source is another message");
            assertEquals(3, enqueue(s, null), "a client's publishes are never copies");
            assertEquals(4, enqueue(s, null));
            assertEquals(5, s.queue(Q).count());

            s = new GroupState(store, budget, GROUP); // restarted: read back from the store
            assertEquals(-1, enqueue(s, new Origin(SOURCE, 4, 0)), "still known after a restart");
            assertEquals(5, enqueue(s, new Origin(SOURCE, 9, 9)), "the source's head moved to 9");
            assertEquals(-1, enqueue(s, new Origin(SOURCE, 5, 5)), "an offset below the head has left the source: a late copy");
            assertTrue(s.describe().contains(SOURCE + " head 9 [9]"), "offsets below the head are forgotten:\n" + s.describe());

            s = new GroupState(store, budget, GROUP);
            assertTrue(s.describe().contains(SOURCE + " head 9 [9]"), "and stay forgotten in the store:\n" + s.describe());
            assertEquals(6, s.queue(Q).count());
        }
    }

    @Test
    void aDeletedQueueLeavesNoOriginsBehind() throws Exception {
        try (RocksStore store = new RocksStore(dir.resolve("d"))) {
            AtomicLong budget = new AtomicLong(1 << 20);
            GroupState s = new GroupState(store, budget, GROUP);
            enqueue(s, new Origin(SOURCE, 3, 0));
            s.dropQueue(Q);
            int[] left = {0};
            store.scan(io.warren.storage.Keyspace.GROUP, new OriginKeys(GROUP).seenPrefix, GroupState.prefixEnd(new OriginKeys(GROUP).headPrefix),
                    (k, v) -> { left[0]++; return true; });
            assertEquals(0, left[0], "no origin keys of the deleted queue");
        }
    }
}
