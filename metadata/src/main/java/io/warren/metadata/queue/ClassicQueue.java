package io.warren.metadata.queue;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Message;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A node-local queue held in memory: classic queues that are non-durable or exclusive (a durable classic queue is
 * kept in a one-member Raft group instead). Cheap to create and delete (no Raft group), gone when its node restarts.
 */
public final class ClassicQueue extends QueueEngine {
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private final TreeMap<Long, Message> messages = new TreeMap<>();
    private final Map<Long, Integer> deliveryCounts = new HashMap<>();
    private long nextOffset;

    public ClassicQueue(QueueRecord record) { super(record); }

    public CompletableFuture<Void> publish(Message m) {
        synchronized (this) {
            messages.put(nextOffset++, m);
            enqueued();
        }
        return DONE;
    }

    public synchronized long purge() {
        long[] keep = checkedOutOffsets();
        Map<Long, Message> kept = new HashMap<>();
        for (long o : keep) { Message m = messages.get(o); if (m != null) kept.put(o, m); }
        long n = messages.size() - kept.size();
        messages.clear();
        messages.putAll(kept);
        deliveryCounts.keySet().retainAll(kept.keySet());
        purged(nextOffset);
        return n;
    }

    @Override protected long firstPresentFrom(long from) {
        Long k = messages.ceilingKey(from);
        return k == null ? -1 : k;
    }

    @Override protected boolean isPresent(long offset) { return messages.containsKey(offset); }

    @Override protected long presentCount() { return messages.size(); }

    @Override protected Message load(long offset) { return messages.get(offset); }

    @Override protected int deliveryCount(long offset) { return deliveryCounts.getOrDefault(offset, 0); }

    @Override protected synchronized CompletableFuture<Void> submitSettle(long[] offsets) {
        for (long o : offsets) { messages.remove(o); deliveryCounts.remove(o); }
        settled(offsets);
        return DONE;
    }

    @Override protected synchronized CompletableFuture<Void> submitReturn(long[] offsets) {
        for (long o : offsets) if (messages.containsKey(o)) deliveryCounts.merge(o, 1, Integer::sum);
        returned(offsets);
        return DONE;
    }
}
