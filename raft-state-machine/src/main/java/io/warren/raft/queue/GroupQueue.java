package io.warren.raft.queue;

import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.metadata.queue.QueueEngine;
import io.warren.metadata.queue.QueueServices;

import java.util.concurrent.CompletableFuture;

/**
 * Delivery for a queue kept in a Raft group (a quorum queue, or a durable classic queue in its one-member group), on
 * the group's leader. What is present comes from the applied state ({@link QueueData}); settles and returns are
 * replicated through the group's log before they take effect. An enqueue carries the TTL and priority level the
 * leader resolved; the entry carries the leader's time.
 */
public final class GroupQueue extends QueueEngine implements QueueData.QueueListener {
    private final QueueData data;
    private final GroupProposer proposer;

    public GroupQueue(QueueRecord record, QueueData data, GroupProposer proposer, QueueServices services) {
        super(record, services);
        this.data = data;
        this.proposer = proposer;
        synchronized (this) { resetSoftState(data.nextOffset()); }
    }

    private static final java.util.concurrent.atomic.AtomicLong CHUNK_IDS =
            new java.util.concurrent.atomic.AtomicLong(new java.security.SecureRandom().nextLong());

    /** Enqueues {@code m} through the log; fails (the publisher is nacked) when the queue is full and rejects publishes. */
    public CompletableFuture<Void> publish(Message m) { return publish(m, null); }

    /**
     * As {@link #publish(Message)}; a message of an {@code origin} the queue took before is not enqueued again (the
     * applied state decides: a copy is skipped there, and succeeds).
     */
    public CompletableFuture<Void> publish(Message m, Origin origin) {
        synchronized (this) {
            if (origin != null && data.seen.isCopy(origin)) return CompletableFuture.completedFuture(null);
        }
        Admission a;
        try {
            a = admit(m, true);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Long> done;
        if (m.footprint() <= GroupProposer.CHUNK_BYTES) {
            done = proposer.submit(new QueueOp.Enqueue(record.id(), m, a.ttl(), a.level(), origin));
        } else {
            byte[] enc = m.encode();
            long chunkId = CHUNK_IDS.incrementAndGet();
            done = null;
            int seq = 0;
            for (int off = 0; off < enc.length; off += GroupProposer.CHUNK_BYTES, seq++) {
                int n = Math.min(GroupProposer.CHUNK_BYTES, enc.length - off);
                boolean isLast = off + n == enc.length;
                done = proposer.submit(new QueueOp.EnqueueChunk(record.id(), chunkId, seq, isLast,
                        java.util.Arrays.copyOfRange(enc, off, off + n), a.ttl(), a.level(), isLast ? origin : null));
            }
        }
        return done.handle((offset, err) -> {
            if (err != null) {
                unadmit(m);
                throw err instanceof java.util.concurrent.CompletionException c ? c : new java.util.concurrent.CompletionException(err);
            }
            if (offset != null && offset < 0) unadmit(m); // not enqueued (a copy, or the queue is gone): it will never be present
            return null;
        });
    }

    public CompletableFuture<Long> purge() {
        long upTo;
        long[] keep;
        synchronized (this) {
            upTo = data.nextOffset();
            keep = checkedOutOffsets();
        }
        return proposer.submit(new QueueOp.Purge(record.id(), upTo, keep));
    }

    @Override protected long firstPresentFrom(long from) { return data.firstFrom(from); }

    @Override protected boolean isPresent(long offset) { return data.contains(offset); }

    @Override protected long presentCount() { return data.count(); }

    @Override protected long presentBytes() { return data.bytes; }

    @Override protected Message load(long offset) { return data.load(offset); }

    @Override protected int deliveryCount(long offset) { return data.deliveryCount(offset); }

    @Override protected long expiresAt(long offset) { return data.expiresAt(offset); }

    @Override protected boolean hasExpiries() { return !data.expiries.isEmpty(); }

    @Override protected int[] levelsDescending() { return data.levelsDescending(); }

    @Override protected long firstAtLevel(int level, long from) { return data.firstAtLevel(level, from); }

    @Override protected boolean hasLevel(long offset) { return data.hasLevel(offset); }

    /**
     * Settles through the log. A settle that fails while this node still serves the queue (the group's pending
     * requests full, a leadership blip) is proposed again a little later — settling is idempotent — or the messages
     * would stay out, unacked with nobody holding them, until the leader changes.
     */
    @Override protected CompletableFuture<Void> submitSettle(long[] offsets) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        settleUntilDone(offsets, done);
        return done;
    }

    private void settleUntilDone(long[] offsets, CompletableFuture<Void> done) {
        proposer.submit(new QueueOp.Settle(record.id(), offsets)).whenComplete((x, err) -> {
            if (err == null) {
                done.complete(null);
                return;
            }
            if (isClosed()) {
                done.completeExceptionally(err);
                return;
            }
            try {
                services.timer().schedule(() -> settleUntilDone(offsets, done), SETTLE_RETRY_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                done.completeExceptionally(err);
            }
        });
    }

    private static final long SETTLE_RETRY_MS = 500;

    @Override protected CompletableFuture<Void> submitReturn(long[] offsets) {
        return proposer.submit(new QueueOp.Return(record.id(), offsets)).thenApply(x -> null);
    }
}
