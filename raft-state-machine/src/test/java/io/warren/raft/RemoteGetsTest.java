package io.warren.raft;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.queue.ClassicQueue;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A get whose answer was lost is undone by the engine that handed the message out, and only then. */
class RemoteGetsTest {
    static final QueueRecord Q = new QueueRecord("/", "q", 3, QueueType.CLASSIC, false, false, false, Map.of(), null, "n1", null, List.of());

    @Test
    void aCancelledGetReturnsItsMessageOnce() {
        ClassicQueue q = new ClassicQueue(Q);
        q.publish(Message.of("", "q", null, "a".getBytes())).join();
        RemoteGets gets = new RemoteGets();
        Delivery d = q.get(false);
        gets.handedOut(5, q, Q.id(), d.offset(), 1_000);
        assertNull(q.get(false), "out to the lost get");
        RemoteGets.Out out = gets.cancel(5, 2_000);
        assertNotNull(out);
        out.engine().requeue(new long[]{out.offset()});
        Delivery again = q.get(false);
        assertNotNull(again, "back in the queue");
        assertTrue(again.redelivered());
        assertNull(gets.cancel(5, 2_000), "nothing left to undo");
    }

    @Test
    void aCancelBeforeItsGetMakesTheGetTakeNothingAndASettleEndsTheTracking() {
        RemoteGets gets = new RemoteGets();
        assertNull(gets.cancel(9, 1_000));
        assertTrue(gets.isCancelled(9, 1_500), "the late get sees the mark");
        gets.handedOut(10, new ClassicQueue(Q), Q.id(), 4, 1_000);
        gets.settled(Q.id(), new long[]{4});
        assertNull(gets.cancel(10, 1_200), "settled by its holder: nothing to return");
        assertFalse(gets.isCancelled(9, 1_000 + RemoteGets.KEEP_MS + 1), "marks are forgotten after a while");
    }
}
