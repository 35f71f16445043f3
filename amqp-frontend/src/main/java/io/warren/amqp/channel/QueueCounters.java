package io.warren.amqp.channel;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What this node's AMQP channels did with each queue's messages since it started, by queue id (RabbitMQ's per-queue
 * {@code message_stats}: publish, deliver, deliver_no_ack, get, get_no_ack, ack, redeliver). The management API adds
 * up every node's counts; entries of deleted queues go when {@link #retain} is told which queues exist.
 */
public final class QueueCounters {
    /** The counters, in this order. */
    public static final String[] KEYS = {"publish", "deliver", "deliver_no_ack", "get", "get_no_ack", "ack", "redeliver"};
    static final int PUBLISH = 0, DELIVER = 1, DELIVER_NO_ACK = 2, GET = 3, GET_NO_ACK = 4, ACK = 5, REDELIVER = 6;

    private final Map<Long, LongAdder[]> byQueue = new ConcurrentHashMap<>();

    void add(long queueId, int counter, long n) {
        byQueue.computeIfAbsent(queueId, id -> {
            LongAdder[] a = new LongAdder[KEYS.length];
            for (int i = 0; i < a.length; i++) a[i] = new LongAdder();
            return a;
        })[counter].add(n);
    }

    /** Every queue's counts now, in {@link #KEYS} order. */
    public Map<Long, long[]> snapshot() {
        Map<Long, long[]> out = new java.util.HashMap<>();
        byQueue.forEach((id, a) -> {
            long[] v = new long[a.length];
            for (int i = 0; i < a.length; i++) v[i] = a[i].sum();
            out.put(id, v);
        });
        return out;
    }

    /** Forgets the queues not in {@code live} (deleted ones). */
    public void retain(Set<Long> live) { byQueue.keySet().retainAll(live); }
}
