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
}
