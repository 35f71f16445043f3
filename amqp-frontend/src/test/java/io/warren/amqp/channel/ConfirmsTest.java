package io.warren.amqp.channel;

import io.warren.amqp.method.BasicMethod;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ConfirmsTest {
    private final List<String> sent = new ArrayList<>();
    private final ArrayDeque<Runnable> turn = new ArrayDeque<>();
    private final Confirms confirms = new Confirms(m -> sent.add(describe(m)), turn::add);

    private static String describe(BasicMethod m) {
        if (m instanceof BasicMethod.Ack a) return "ack " + a.deliveryTag() + (a.multiple() ? "*" : "");
        if (m instanceof BasicMethod.Nack n) return "nack " + n.deliveryTag() + (n.multiple() ? "*" : "");
        return m.toString();
    }

    private List<String> endTurn() {
        while (!turn.isEmpty()) turn.poll().run();
        List<String> s = new ArrayList<>(sent);
        sent.clear();
        return s;
    }

    @Test
    void inOrderConfirmsOfOneTurnGoOutAsOneMultipleAck() {
        for (int i = 0; i < 5; i++) confirms.next();
        for (long s = 1; s <= 5; s++) confirms.complete(s, true);
        assertEquals(List.of("ack 5*"), endTurn());
        confirms.next();
        confirms.complete(6, true);
        assertEquals(List.of("ack 6"), endTurn());
    }

    @Test
    void confirmsBeyondAStuckPublishAreNotHeldBack() {
        for (int i = 0; i < 4; i++) confirms.next();
        confirms.complete(1, true);
        confirms.complete(3, true);
        confirms.complete(4, true);
        assertEquals(List.of("ack 1", "ack 3", "ack 4"), endTurn(), "2 is still pending; 3 and 4 are acked on their own");
        confirms.complete(2, true);
        assertEquals(List.of("ack 2"), endTurn(), "3 and 4 are not confirmed twice");
        confirms.next();
        confirms.next();
        confirms.complete(5, true);
        confirms.complete(6, true);
        assertEquals(List.of("ack 6*"), endTurn(), "back to multiple acks");
    }

    @Test
    void aNackIsNeverCoveredByAMultipleAck() {
        for (int i = 0; i < 3; i++) confirms.next();
        confirms.complete(2, false);
        confirms.complete(1, true);
        confirms.complete(3, true);
        assertEquals(List.of("nack 2", "ack 1", "ack 3"), endTurn());
        assertTrue(endTurn().isEmpty());
    }
}
