package io.warren.raft.queue;

import io.warren.metadata.codec.BinaryReader;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** Every queue op survives the log's batch codec; unknown versions and op codes are refused. */
class QueueOpCodecTest {
    static final List<QueueOp> SAMPLES = List.of(
            new QueueOp.Enqueue(3, new Message("x", "k", new byte[]{(byte) 0x90, 0, 5, 't', 'e', 'x', 't', '/'}, "body".getBytes()), 1500, 7),
            new QueueOp.Settle(3, new long[]{1, 5, 9}),
            new QueueOp.Return(4, new long[]{2}),
            new QueueOp.Purge(4, 100, new long[]{17, 18}),
            new QueueOp.EnqueueChunk(5, 77, 2, true, new byte[]{1, 2, 3}, 0, -1, new Origin(9, 12, 10)),
            new QueueOp.Enqueue(6, new Message("dlx", "r", new byte[]{0, 0}, "dead".getBytes()), -1, -1, new Origin(9, 41, 40)));

    @Test
    void everyOpRoundTripsInOneBatch() {
        Set<QueueOp.Kind> seen = new HashSet<>();
        for (QueueOp op : SAMPLES) seen.add(op.kind());
        assertEquals(Set.of(QueueOp.Kind.values()), seen, "a sample for every op kind");
        byte[] batch = QueueOp.encodeBatch(SAMPLES, 123_456_789L);
        QueueOp.Batch decoded = QueueOp.decodeBatch(new BinaryReader(batch));
        assertEquals(123_456_789L, decoded.time(), "the entry's time");
        List<QueueOp> back = decoded.ops();
        assertEquals(SAMPLES.size(), back.size());
        for (int i = 0; i < SAMPLES.size(); i++) {
            assertEquals(SAMPLES.get(i).kind(), back.get(i).kind());
            assertEquals(SAMPLES.get(i).queueId(), back.get(i).queueId());
        }
        assertArrayEquals(batch, QueueOp.encodeBatch(back, decoded.time()), "re-encoded batch");
        QueueOp.Enqueue e = (QueueOp.Enqueue) back.get(0);
        assertEquals(1500, e.ttl());
        assertEquals(7, e.level());
        assertEquals(0, ((QueueOp.EnqueueChunk) back.get(4)).ttl());
        assertEquals(-1, ((QueueOp.EnqueueChunk) back.get(4)).level());
        assertArrayEquals("body".getBytes(), e.message().body());
        assertArrayEquals(((QueueOp.Enqueue) SAMPLES.get(0)).message().properties(), e.message().properties());
        assertArrayEquals(new long[]{17, 18}, ((QueueOp.Purge) back.get(3)).keep());
        assertTrue(Arrays.equals(new byte[]{1, 2, 3}, ((QueueOp.EnqueueChunk) back.get(4)).data()));
        assertNull(e.origin(), "a client's publish has no origin");
        assertEquals(new Origin(9, 12, 10), ((QueueOp.EnqueueChunk) back.get(4)).origin());
        assertEquals(new Origin(9, 41, 40), ((QueueOp.Enqueue) back.get(5)).origin());
    }

    @Test
    void entriesWrittenBeforeOriginsStillDecode() {
        Message m = new Message("x", "k", new byte[]{0, 0}, "v2".getBytes());
        io.warren.metadata.codec.BinaryWriter w = new io.warren.metadata.codec.BinaryWriter(64);
        w.u8(2).i64(55).i32(1).u8(QueueOp.Kind.ENQUEUE.code()).i64(8);
        m.writeTo(w);
        w.i64(300).u8(4);
        QueueOp.Enqueue e = (QueueOp.Enqueue) QueueOp.decodeBatch(new BinaryReader(w.toByteArray())).ops().get(0);
        assertEquals(300, e.ttl());
        assertEquals(4, e.level());
        assertNull(e.origin());
    }

    @Test
    void entriesWrittenBeforeQueueFeaturesStillDecode() {
        Message m = new Message("x", "k", new byte[]{0, 0}, "old".getBytes());
        io.warren.metadata.codec.BinaryWriter w = new io.warren.metadata.codec.BinaryWriter(64);
        w.u8(1).i32(1).u8(QueueOp.Kind.ENQUEUE.code()).i64(8);
        m.writeTo(w);
        QueueOp.Batch b = QueueOp.decodeBatch(new BinaryReader(w.toByteArray()));
        QueueOp.Enqueue e = (QueueOp.Enqueue) b.ops().get(0);
        assertEquals(8, e.queueId());
        assertArrayEquals("old".getBytes(), e.message().body());
        assertEquals(-1, e.ttl(), "no TTL in a version 1 entry");
        assertEquals(-1, e.level());
    }

    @Test
    void unknownVersionsAndOpsAreRefused() {
        byte[] batch = QueueOp.encodeBatch(List.of(SAMPLES.get(1)), 0);
        byte[] otherVersion = batch.clone();
        otherVersion[0] = 9;
        assertThrows(IllegalArgumentException.class, () -> QueueOp.decodeBatch(new BinaryReader(otherVersion)));
        byte[] otherOp = batch.clone();
        otherOp[13] = 99; // after version (1), time (8) and count (4)
        assertThrows(BinaryReader.MalformedException.class, () -> QueueOp.decodeBatch(new BinaryReader(otherOp)));
    }
}
