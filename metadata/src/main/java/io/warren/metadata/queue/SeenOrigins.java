package io.warren.metadata.queue;

import io.warren.metadata.port.Origin;

import java.util.HashMap;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The origins a queue has taken messages from (see {@link Origin}), so a republish retried after its first attempt
 * was committed is taken once. Per source queue: the offsets taken at or above the source's head, and the highest
 * head reported. An offset below that head has left the source — and a message leaves an at-least-once source only
 * once every target has it — so it is a copy whether or not it is still listed. What is kept is bounded by what the
 * source still holds. Deterministic (a replicated state machine keeps one per queue); not thread-safe.
 */
public final class SeenOrigins {
    /** What taking a message changed, for a store that mirrors this state. */
    public record Change(long sourceId, long offset, long prunedFrom, long newHead) {
        /** Whether the head moved: offsets in [{@code prunedFrom}, {@code newHead}) were forgotten. */
        public boolean headMoved() { return newHead > prunedFrom; }
    }

    private static final class Source {
        long head;
        final TreeSet<Long> offsets = new TreeSet<>();
    }

    private final Map<Long, Source> sources = new HashMap<>();

    /** Whether a message of origin {@code o} was taken already. */
    public boolean isCopy(Origin o) {
        Source s = sources.get(o.queueId());
        return s != null && (o.offset() < s.head || s.offsets.contains(o.offset()));
    }

    /** Records {@code o} if it is new: what changed, or null for a copy of a message already taken. */
    public Change take(Origin o) {
        if (isCopy(o)) return null;
        Source s = sources.computeIfAbsent(o.queueId(), id -> new Source());
        long from = s.head;
        if (o.head() > s.head) {
            s.offsets.headSet(o.head()).clear();
            s.head = o.head();
        }
        s.offsets.add(o.offset());
        return new Change(o.queueId(), o.offset(), from, s.head);
    }

    /** Restores a recorded offset (start-up). */
    public void restoreOffset(long sourceId, long offset) { sources.computeIfAbsent(sourceId, id -> new Source()).offsets.add(offset); }

    /** Restores a recorded head (start-up). */
    public void restoreHead(long sourceId, long head) { sources.computeIfAbsent(sourceId, id -> new Source()).head = head; }

    public boolean isEmpty() { return sources.isEmpty(); }

    /** A canonical description (for comparing replicas). */
    public String describe() {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(sources).forEach((id, s) -> b.append(id).append(" head ").append(s.head).append(' ').append(s.offsets).append(';'));
        return b.toString();
    }

    /** The offsets kept for {@code sourceId} (a view, for tests). */
    NavigableSet<Long> offsetsOf(long sourceId) {
        Source s = sources.get(sourceId);
        return s == null ? new TreeSet<>() : java.util.Collections.unmodifiableNavigableSet(s.offsets);
    }
}
