package io.warren.metadata.queue;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * A queue's consumers, highest priority first, and which one gets the next message: the first with credit in the
 * highest priority that has one, round-robin within a priority; with a single active consumer, only the oldest.
 * Not thread-safe: the engine's lock guards it.
 */
final class Consumers<C extends Consumers.Member> {
    interface Member {
        ConsumerSpec spec();

        ConsumerSink sink();
    }

    private final List<C> list = new ArrayList<>();
    private final boolean singleActive;
    private int roundRobin;

    Consumers(QueueRecord q) { this.singleActive = Boolean.TRUE.equals(q.arguments().get("x-single-active-consumer")); }

    /** Adds {@code c} after those of its priority; refused (403) while an exclusive consumer holds the queue, or for an exclusive one on a queue in use. */
    void add(QueueRecord q, C c) {
        boolean exclusiveHeld = list.stream().anyMatch(x -> x.spec().exclusive());
        if (exclusiveHeld || (c.spec().exclusive() && !list.isEmpty())) {
            throw DomainException.refused("queue '" + q.name() + "' in vhost '" + q.vhost() + "' in exclusive use");
        }
        int i = 0;
        while (i < list.size() && list.get(i).spec().priority() >= c.spec().priority()) i++;
        list.add(i, c);
    }

    boolean remove(C c) { return list.remove(c); }

    boolean isEmpty() { return list.isEmpty(); }

    int size() { return list.size(); }

    /** Removes and returns them all. */
    List<C> clear() {
        List<C> all = new ArrayList<>(list);
        list.clear();
        return all;
    }

    /** The consumer that gets the next message (its credit reserved), or null when none can take one. */
    C pick() {
        if (list.isEmpty()) return null;
        if (singleActive) {
            C c = list.get(0);
            return c.sink().tryReserve() ? c : null;
        }
        int i = 0;
        while (i < list.size()) {
            int prio = list.get(i).spec().priority();
            int j = i;
            while (j < list.size() && list.get(j).spec().priority() == prio) j++;
            int n = j - i;
            for (int k = 0; k < n; k++) {
                C c = list.get(i + Math.floorMod(roundRobin + k, n));
                if (c.sink().tryReserve()) {
                    roundRobin = roundRobin + k + 1;
                    return c;
                }
            }
            i = j;
        }
        return null;
    }
}
