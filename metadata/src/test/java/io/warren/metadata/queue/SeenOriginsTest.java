package io.warren.metadata.queue;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.model.QueueType;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** A queue takes a republished message of an origin once; what it remembers is bounded by the source's head. */
class SeenOriginsTest {
    @Test
    void aRetryIsACopyAndTheHeadForgetsWhatLeftTheSource() {
        SeenOrigins s = new SeenOrigins();
        assertNotNull(s.take(new Origin(1, 5, 2)));
        assertNull(s.take(new Origin(1, 5, 2)), "the same origin again");
        assertNotNull(s.take(new Origin(2, 5, 0)), "another source");
        assertNotNull(s.take(new Origin(1, 6, 2)));
        SeenOrigins.Change c = s.take(new Origin(1, 9, 7));
        assertTrue(c.headMoved());
        assertEquals(2, c.prunedFrom());
        assertEquals(7, c.newHead());
        assertEquals(List.of(9L), List.copyOf(s.offsetsOf(1)), "5 and 6 are below the head: forgotten");
        assertTrue(s.isCopy(new Origin(1, 6, 2)), "but a late attempt below the head is still a copy");
        assertFalse(s.isCopy(new Origin(1, 8, 7)), "an offset at the head not taken yet is new");
        assertFalse(s.take(new Origin(1, 10, 3)).headMoved(), "an older head does not move it back");
    }

    @Test
    void aClassicQueueTakesAnOriginOnceAndOnlyWhenItFits() {
        QueueRecord r = new QueueRecord("/", "dlq", 3, QueueType.CLASSIC, false, false, false,
                Map.of("x-max-length", 1, "x-overflow", "reject-publish"), null, "n1", null, List.of());
        QueueServices limits = new QueueServices() {
            @Override public QueueFeatures features(QueueRecord q) { return QueueFeatures.of(q, null); }
            @Override public long now() { return System.currentTimeMillis(); }
            @Override public java.util.concurrent.ScheduledExecutorService timer() { return QueueServices.NONE.timer(); }
            @Override public java.util.concurrent.CompletableFuture<Boolean> deadLetter(QueueRecord from, Message m, Origin o) {
                return java.util.concurrent.CompletableFuture.completedFuture(false);
            }
            @Override public java.util.concurrent.CompletableFuture<Void> expire(QueueRecord q) { return java.util.concurrent.CompletableFuture.completedFuture(null); }
        };
        ClassicQueue q = new ClassicQueue(r, limits);
        Message m = Message.of("dlx", "k", null, "x".getBytes());
        q.publish(m, new Origin(9, 1, 0)).join();
        q.publish(m, new Origin(9, 1, 0)).join();
        assertEquals(1, q.messageCount(), "the retry is not a second copy");
        assertTrue(q.publish(m, new Origin(9, 2, 0)).isCompletedExceptionally(), "full: refused");
        q.get(true);
        q.publish(m, new Origin(9, 2, 0)).join();
        assertEquals(1, q.messageCount(), "refused before, so its retry is taken");
    }
}
