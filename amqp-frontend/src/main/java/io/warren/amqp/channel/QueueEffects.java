package io.warren.amqp.channel;

import io.warren.metadata.model.QueueRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What a channel's earlier methods are still doing to its queues: publishes, acks, nacks and rejects that the
 * queue has not applied yet (a quorum queue applies them once its log commits them). Methods that look at a
 * queue (basic.get, basic.consume, queue.declare's counts, purge, delete) wait here until every earlier effect on
 * that queue has landed, so each method of a channel sees all the ones before it (docs/protocol.md, "One channel,
 * one order"). A channel that only publishes never waits: nothing is held unless a later method looks.
 * Thread-safe: effects complete on queue and link threads.
 */
final class QueueEffects {
    /** Queue id → effects under way and, once someone waits, the future that completes when there are none. */
    private final Map<Long, Pending> pending = new HashMap<>();

    private static final class Pending {
        int count;
        List<CompletableFuture<Void>> waiters;
    }

    /** Counts {@code effect} against {@code q} until it completes (however it completes); returns it. */
    <T> CompletableFuture<T> track(QueueRecord q, CompletableFuture<T> effect) {
        if (effect.isDone()) return effect;
        long id = q.id();
        synchronized (this) { pending.computeIfAbsent(id, k -> new Pending()).count++; }
        effect.whenComplete((v, err) -> landed(id));
        return effect;
    }

    private void landed(long id) {
        List<CompletableFuture<Void>> release = null;
        synchronized (this) {
            Pending p = pending.get(id);
            if (--p.count == 0) {
                pending.remove(id);
                release = p.waiters;
            }
        }
        if (release != null) for (CompletableFuture<Void> w : release) w.complete(null);
    }

    /** Null when nothing is under way for {@code q}; otherwise completes once all that is has landed. */
    synchronized CompletableFuture<Void> settled(QueueRecord q) {
        Pending p = pending.get(q.id());
        if (p == null) return null;
        if (p.waiters == null) p.waiters = new ArrayList<>(1);
        CompletableFuture<Void> w = new CompletableFuture<>();
        p.waiters.add(w);
        return w;
    }
}
