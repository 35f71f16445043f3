package io.warren.amqp.channel;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.queue.QueueFeatures;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A channel's acknowledgement timeouts (event loop only): each consumer's timeout, resolved when it subscribes (the
 * queue's x-consumer-timeout or policy consumer-timeout, else the node's consumer_timeout), one check scheduled at the
 * earliest deadline, and the tags that timed out (a late ack of one is ignored). What a timeout does is
 * {@link Consuming}'s.
 */
final class AckTimeouts {
    private final AmqpChannel ch;
    private final Runnable check;
    private final Map<String, Long> byConsumer = new HashMap<>();
    private final Set<Long> timedOut = new HashSet<>();
    private io.netty.util.concurrent.ScheduledFuture<?> scheduled;
    private long at = Long.MAX_VALUE;

    AckTimeouts(AmqpChannel ch, Runnable check) {
        this.ch = ch;
        this.check = check;
    }

    /** The queue's timeout, else the node's (ms; 0: none). */
    long ofQueue(QueueRecord q) {
        var v = ch.host.broker().metadata().state().vhost(q.vhost());
        long t = QueueFeatures.of(q, v == null ? null : v.policyFor(q.name())).consumerTimeout();
        return t >= 0 ? t : Math.max(0, ch.host.consumerTimeoutMs());
    }

    void subscribed(String tag, QueueRecord q) { byConsumer.put(tag, ofQueue(q)); }

    long ofConsumer(String tag) { return byConsumer.getOrDefault(tag, 0L); }

    void forget(String tag) { byConsumer.remove(tag); }

    /** The deadline of a delivery made now with {@code timeout} (Long.MAX_VALUE: none); the check is scheduled for it. */
    long deadline(long timeout) {
        if (timeout <= 0) return Long.MAX_VALUE;
        long d = System.currentTimeMillis() + timeout;
        checkAt(d);
        return d;
    }

    void checkAt(long when) {
        if (when >= at) return;
        if (scheduled != null) scheduled.cancel(false);
        at = when;
        scheduled = ch.host.eventLoop().schedule(() -> {
            at = Long.MAX_VALUE;
            scheduled = null;
            check.run();
        }, Math.max(0, when - System.currentTimeMillis()) + 5, TimeUnit.MILLISECONDS);
    }

    void timedOut(long tag) { timedOut.add(tag); }

    /** True (once) when {@code tag} timed out and went back to its queue. */
    boolean wasTimedOut(long tag) { return timedOut.remove(tag); }

    void close() {
        if (scheduled != null) scheduled.cancel(false);
        byConsumer.clear();
    }
}
