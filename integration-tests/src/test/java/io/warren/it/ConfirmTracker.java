package io.warren.it;

import com.rabbitmq.client.ConfirmListener;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A publisher's view of its confirms: which message ids the broker confirmed (nacked ones are dropped). */
final class ConfirmTracker implements ConfirmListener {
    final Set<Integer> confirmed = ConcurrentHashMap.newKeySet();
    private final ConcurrentSkipListMap<Long, Integer> outstanding = new ConcurrentSkipListMap<>();

    /** Call before publishing message {@code id} with sequence number {@code seq}. */
    void sent(long seq, int id) { outstanding.put(seq, id); }

    int outstanding() { return outstanding.size(); }

    private ConcurrentNavigableMap<Long, Integer> range(long tag, boolean multiple) {
        return multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
    }

    @Override public void handleAck(long tag, boolean multiple) {
        var m = range(tag, multiple);
        confirmed.addAll(m.values());
        m.clear();
    }

    @Override public void handleNack(long tag, boolean multiple) { range(tag, multiple).clear(); }

    /**
     * The total-queue check: waits (up to a minute) for the consumer to have received every confirmed id, then
     * asserts none was lost and nothing arrived that was never published (ids 0 until {@code published}).
     */
    void assertEveryConfirmedReceived(Set<Integer> received, int published) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (!received.containsAll(confirmed) && System.currentTimeMillis() < deadline) Thread.sleep(50);
        Set<Integer> lost = new java.util.TreeSet<>(confirmed);
        lost.removeAll(received);
        org.junit.jupiter.api.Assertions.assertEquals(Set.of(), lost, "confirmed but never consumed");
        org.junit.jupiter.api.Assertions.assertTrue(received.stream().allMatch(i -> i >= 0 && i < published), "unexpected messages");
    }
}
