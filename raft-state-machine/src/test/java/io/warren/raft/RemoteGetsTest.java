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
        gets.handedOut(5, null, q, Q.id(), d.offset(), 1_000);
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
        gets.handedOut(10, null, new ClassicQueue(Q), Q.id(), 4, 1_000);
        gets.settled(Q.id(), new long[]{4});
        assertNull(gets.cancel(10, 1_200), "settled by its holder: nothing to return");
        assertFalse(gets.isCancelled(9, 1_000 + RemoteGets.KEEP_MS + 1), "marks are forgotten after a while");
    }

    @Test
    void whenTheCallersSessionEndsWhatItsGetsTookAndDidNotSettleGoesBack() {
        RemoteGets gets = new RemoteGets();
        Object session = new Object();
        ClassicQueue q = new ClassicQueue(Q);
        assertTrue(gets.handedOut(1, session, q, Q.id(), 7, 1_000), "a new session");
        assertFalse(gets.handedOut(2, session, q, Q.id(), 8, 1_000));
        gets.handedOut(3, new Object(), q, Q.id(), 9, 1_000);
        gets.settled(Q.id(), new long[]{8});
        List<RemoteGets.Out> back = gets.sessionEnded(session);
        assertEquals(List.of(7L), back.stream().map(RemoteGets.Out::offset).toList(), "7 is out; 8 was settled; 9 is another caller's");
        assertTrue(gets.sessionEnded(session).isEmpty());
    }
}
