package io.warren.metadata.queue;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * A node-local queue held in memory: classic queues that are non-durable or exclusive (a durable classic queue is
 * kept in a one-member Raft group instead). Cheap to create and delete (no Raft group), gone when its node restarts.
 */
public final class ClassicQueue extends QueueEngine {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final TreeMap<Long, Message> messages = new TreeMap<>();
    private final Map<Long, Integer> deliveryCounts = new HashMap<>();
    private final ExpiryRuns expiries = new ExpiryRuns();
    private final TreeMap<Integer, TreeSet<Long>> levels = new TreeMap<>();
    private final Map<Long, Integer> levelOf = new HashMap<>();
    private final SeenOrigins seen = new SeenOrigins();
    private long bytes;
    private long nextOffset;

    public ClassicQueue(QueueRecord record) { this(record, QueueServices.NONE); }

    public ClassicQueue(QueueRecord record, QueueServices services) { super(record, services); }

    /** Enqueues {@code m}; fails (the publisher is nacked) when the queue is full and rejects publishes. */
    public CompletableFuture<Void> publish(Message m) { return publish(m, null); }

    /** Enqueues {@code m}, unless a message of the same {@code origin} was taken before (then it succeeds at once). */
    public CompletableFuture<Void> publish(Message m, Origin origin) {
        synchronized (this) {
            if (origin != null && seen.isCopy(origin)) return DONE;
            Admission a;
            try {
                a = admit(m, false);
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
            if (origin != null) seen.take(origin);
            long off = nextOffset++;
            messages.put(off, m);
            bytes += m.body().length;
            if (a.ttl() >= 0) expiries.add(off, services.now() + a.ttl());
            if (a.level() >= 0) {
                levels.computeIfAbsent(a.level(), l -> new TreeSet<>()).add(off);
                levelOf.put(off, a.level());
            }
            enqueued(off, m.body().length);
        }
        return DONE;
    }

    public synchronized long purge() {
        long[] keep = checkedOutOffsets();
        Map<Long, Message> kept = new HashMap<>();
        for (long o : keep) { Message m = messages.get(o); if (m != null) kept.put(o, m); }
        long n = messages.size() - kept.size();
        for (Long o : java.util.List.copyOf(messages.keySet())) if (!kept.containsKey(o)) remove(o);
        purged(nextOffset);
        return n;
    }

    private void remove(long o) {
        Message m = messages.remove(o);
        if (m == null) return;
        bytes -= m.body().length;
        deliveryCounts.remove(o);
        Integer l = levelOf.remove(o);
        if (l != null) {
            TreeSet<Long> s = levels.get(l);
            s.remove(o);
            if (s.isEmpty()) levels.remove(l);
        }
        if (!expiries.isEmpty()) expiries.dropBelow(messages.isEmpty() ? nextOffset : messages.firstKey());
    }

    @Override protected long firstPresentFrom(long from) {
        Long k = messages.ceilingKey(from);
        return k == null ? -1 : k;
    }

    @Override protected boolean isPresent(long offset) { return messages.containsKey(offset); }

    @Override protected long presentCount() { return messages.size(); }

    @Override protected long presentBytes() { return bytes; }

    @Override protected Message load(long offset) { return messages.get(offset); }

    @Override protected int deliveryCount(long offset) { return deliveryCounts.getOrDefault(offset, 0); }

    @Override protected long expiresAt(long offset) { return expiries.expiresAt(offset); }

    @Override protected boolean hasExpiries() { return !expiries.isEmpty(); }

    @Override protected int[] levelsDescending() {
        return levels.descendingKeySet().stream().mapToInt(Integer::intValue).toArray();
    }

    @Override protected long firstAtLevel(int level, long from) {
        TreeSet<Long> s = levels.get(level);
        Long k = s == null ? null : s.ceiling(from);
        return k == null ? -1 : k;
    }

    @Override protected boolean hasLevel(long offset) { return !levelOf.isEmpty() && levelOf.containsKey(offset); }

    @Override protected synchronized CompletableFuture<Void> submitSettle(long[] offsets) {
        for (long o : offsets) remove(o);
        settled(offsets);
        return DONE;
    }

    @Override protected synchronized CompletableFuture<Void> submitReturn(long[] offsets) {
        for (long o : offsets) if (messages.containsKey(o)) deliveryCounts.merge(o, 1, Integer::sum);
        returned(offsets);
        return DONE;
    }
}
