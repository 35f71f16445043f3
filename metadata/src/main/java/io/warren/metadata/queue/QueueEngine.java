package io.warren.metadata.queue;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueueStats;
import io.warren.metadata.queue.DeadLetters.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Delivery for one queue, whatever stores it: which ready message goes to which consumer (credit, priority,
 * round-robin, exclusive and single-active consumers), what is checked out, what came back, and the features that
 * decide a message's fate on the queue's leader ({@link QueueFeatures}): expiry, length limits, the delivery limit,
 * priority levels, dead-lettering, the queue's own expiry. Messages are named by offsets in the queue; the subclass
 * says which offsets are present and how a settle or a return becomes durable. The order messages go out in is
 * {@link ReadyMessages}'; how one leaves by a feature, {@link Departures}'. All methods lock the engine; sinks are
 * called under that lock and must not block; dead-letters are published from the services' timer, unlocked.
 */
public abstract class QueueEngine {
    /** Messages one pass may take to expire or drop; more wait for the next pass (which follows at once). */
    private static final int MAX_PASS = 20_000;

    protected final QueueRecord record;
    protected final QueueServices services;
    private final Consumers<Consumer> consumers;
    private final ReadyMessages ready;
    private final Departures departures = new Departures(this);
    /** Offsets below this were present when this engine took over: they may have been delivered before. */
    protected long redeliveredBelow;
    private boolean hadConsumer;
    private boolean closed;
    private java.util.function.Supplier<CompletableFuture<Void>> onUnused = () -> DONE;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private QueueFeatures features;
    /** Enqueues asked of the store and not yet present (a publish of a group queue until its entry applies). */
    private long pendingCount, pendingBytes;
    /** The offset whose enqueue is being dispatched: a TTL of 0 lets it go to a consumer that is ready now. */
    private long fresh = -1;
    private long lastUsed;
    private boolean expiring;
    private ScheduledFuture<?> wake;
    private long wakeAt = Long.MAX_VALUE;

    protected QueueEngine(QueueRecord record, QueueServices services) {
        this.record = record;
        this.services = services;
        this.consumers = new Consumers<>(record);
        this.features = services.features(record);
        this.ready = new ReadyMessages(this, record.isQuorum() ? QueueFeatures.DEFAULT_PRIORITY : features.maxPriority() >= 0 ? 0 : -1);
        this.lastUsed = services.now();
    }

    // ---- what the store provides ----

    /** The smallest present offset at or after {@code from}, or -1. */
    protected abstract long firstPresentFrom(long from);

    protected abstract boolean isPresent(long offset);

    protected abstract long presentCount();

    /** Body bytes of the present messages. */
    protected abstract long presentBytes();

    protected abstract Message load(long offset);

    protected abstract int deliveryCount(long offset);

    /** When the message expires (ms), -1 never. */
    protected abstract long expiresAt(long offset);

    /** Whether any present message expires. */
    protected abstract boolean hasExpiries();

    /** Levels that have messages of their own, highest first. */
    protected abstract int[] levelsDescending();

    protected abstract long firstAtLevel(int level, long from);

    protected abstract boolean hasLevel(long offset);

    /** Makes a settle durable; the store calls {@link #settled} once it is. */
    protected abstract CompletableFuture<Void> submitSettle(long[] offsets);

    /** Makes a return durable; the store calls {@link #returned} once it is. */
    protected abstract CompletableFuture<Void> submitReturn(long[] offsets);

    // ---- what the store reports ----

    /** A message of {@code bodySize} bytes became present at {@code offset} (enqueue applied). */
    public final synchronized void enqueued(long offset, int bodySize) {
        if (pendingCount > 0) pendingCount--;
        pendingBytes = Math.max(0, pendingBytes - bodySize);
        fresh = offset;
        try {
            dispatch();
        } finally {
            fresh = -1;
        }
        trim();
        if (expiresAt(offset) >= 0) {
            expireHead(services.now());
            scheduleWake();
        }
    }

    public final synchronized void settled(long[] offsets) {
        for (long o : offsets) ready.forget(o);
    }

    /** A return became durable (delivery counts updated); the messages were made ready when it was asked for. */
    public final synchronized void returned(long[] offsets) { dispatch(); }

    /** Everything present becomes ready again (a new leader, a restart): the soft state is gone. */
    protected final synchronized void resetSoftState(long nextOffset) {
        ready.reset();
        redeliveredBelow = nextOffset;
    }

    /** Offsets delivered and not yet settled or returned (a purge keeps these). */
    protected final synchronized long[] checkedOutOffsets() { return ready.checkedOutOffsets(); }

    /** After a purge: nothing before {@code upTo} is ready any more. */
    public final synchronized void purged(long upTo) { ready.purged(upTo); }

    // ---- publishing ----

    /** How a message is enqueued: its TTL (ms, -1 none) and level (-1: the ordinary one). */
    public record Admission(long ttl, int level) { }

    /**
     * Admits {@code m} (or refuses it: the queue is full and rejects publishes) and resolves its TTL and priority
     * level. {@code pending}: the enqueue becomes present later ({@link #enqueued} tells), so it counts until then.
     */
    protected final synchronized Admission admit(Message m, boolean pending) {
        QueueFeatures f = features;
        int size = m.body().length;
        if (!f.fits(readyCount() + pendingCount, readyBytes() + pendingBytes, size)) {
            if (f.overflow() == QueueFeatures.Overflow.REJECT_PUBLISH_DLX && f.hasDeadLetterExchange()) {
                Message dl = DeadLetters.make(m, record, f, Reason.MAXLEN, services.now());
                services.timer().execute(() -> services.deadLetter(record, dl, null)); // never enqueued here: no origin
            }
            throw DomainException.precondition(record.describe() + " is full (x-overflow " + f.overflow().wireName + ")");
        }
        if (pending) {
            pendingCount++;
            pendingBytes += size;
        }
        return new Admission(f.ttlOf(m), f.levelOf(m, ready.plainLevel()));
    }

    /** A pending enqueue failed (it will never become present). */
    protected final synchronized void unadmit(Message m) {
        if (pendingCount > 0) pendingCount--;
        pendingBytes = Math.max(0, pendingBytes - m.body().length);
    }

    // ---- front-end operations ----

    public synchronized QueueConsumer addConsumer(ConsumerSpec spec, ConsumerSink sink) {
        if (closed) throw DomainException.notFound(record.describe());
        Consumer c = new Consumer(spec, sink);
        consumers.add(record, c);
        hadConsumer = true;
        lastUsed = services.now();
        dispatch();
        return c;
    }

    public synchronized Delivery get(boolean noAck) {
        lastUsed = services.now();
        long now = lastUsed;
        Departures.Batch doomed = departures.batch();
        long off;
        try {
            while (true) {
                off = ready.next();
                if (off < 0) return null;
                Reason r = fate(off, now);
                if (r == null) break;
                ready.take(off, 0);
                doomed.add(r, off);
            }
            Message m = load(off);
            Delivery d = delivery(off, ready.take(off, m == null ? 0 : m.body().length), m);
            if (noAck) submitSettle(new long[]{off});
            return d;
        } finally {
            doomed.leave();
        }
    }

    /** The queue was declared again (a passive declare too): its lease ({@code x-expires}) starts over. */
    public synchronized void touch() { lastUsed = services.now(); }

    public CompletableFuture<Void> settle(long[] offsets) { return submitSettle(offsets); }

    /**
     * Returns messages to the queue (the channel closed, the consumer went, basic.recover). They are ready again at
     * once, so the channel's next method sees them (as with RabbitMQ, where the queue handles one channel's commands
     * in order) — unless the queue's delayed retry holds them a while; the return is then made durable, which counts
     * the delivery attempt. A message of a quorum queue returned more often than its delivery limit is not made ready:
     * once the count is durable it is dead-lettered (reason {@code delivery_limit}) or dropped.
     */
    public CompletableFuture<Void> requeue(long[] offsets) { return giveBack(offsets, false); }

    /** Returns messages after a failed delivery (basic.nack / basic.reject with requeue): as {@link #requeue}. */
    public CompletableFuture<Void> retry(long[] offsets) { return giveBack(offsets, true); }

    private CompletableFuture<Void> giveBack(long[] offsets, boolean failed) {
        List<Long> overLimit = new ArrayList<>();
        synchronized (this) {
            long limit = features.deliveryLimit();
            DelayedRetry retry = features.delayedRetry();
            long now = services.now();
            boolean delayed = false;
            for (long o : offsets) {
                if (!ready.isCheckedOut(o) || !isPresent(o)) {
                    ready.forget(o);
                    continue;
                }
                long attempts = deliveryCount(o) + 1L;
                if (limit >= 0 && attempts > limit) {
                    overLimit.add(o);
                    continue;
                }
                long delay = retry.delayMs(failed, attempts);
                if (delay > 0) {
                    ready.delay(o, now + delay);
                    delayed = true;
                } else {
                    ready.giveBack(o);
                }
            }
            dispatch();
            if (delayed) scheduleWake();
        }
        CompletableFuture<Void> f = submitReturn(offsets);
        if (!overLimit.isEmpty()) departures.leaveWhenDone(f, Reason.DELIVERY_LIMIT, overLimit); // once the count is durable
        return f;
    }

    /** Drops messages without requeue (nack/reject): dead-lettered with reason {@code rejected} when there is a DLX. */
    public CompletableFuture<Void> reject(long[] offsets) {
        synchronized (this) {
            if (!features.hasDeadLetterExchange()) return submitSettle(offsets);
            Departures.Batch d = departures.batch();
            for (long o : offsets) if (ready.isCheckedOut(o)) d.add(Reason.REJECTED, o);
            d.leave();
        }
        return DONE;
    }

    public synchronized QueueStats stats() {
        long present = presentCount();
        long unacked = ready.checkedOutCount();
        return new QueueStats(present, Math.max(0, present - unacked), unacked, consumers.size());
    }

    public synchronized int consumerCount() { return consumers.size(); }

    public synchronized long messageCount() { return readyCount(); }

    private long readyCount() { return Math.max(0, presentCount() - ready.checkedOutCount()); }

    private long readyBytes() { return Math.max(0, presentBytes() - ready.checkedOutBytes()); }

    /** Called once the queue has had a consumer and has none left (auto-delete queues go then); completes when that is done. */
    public synchronized void onUnused(java.util.function.Supplier<CompletableFuture<Void>> r) { this.onUnused = r; }

    /** The queue is gone: consumers are cancelled by the server. */
    public void close() { close(false); }

    /** This node no longer serves the queue (leadership moved): consumers are told to go where it is now. */
    public void handOver() { close(true); }

    private void close(boolean moved) {
        List<Consumer> cs;
        synchronized (this) {
            closed = true;
            if (wake != null) wake.cancel(false);
            cs = consumers.clear();
        }
        for (Consumer c : cs) {
            if (moved) c.sink.moved(); else c.sink.cancelledByServer();
        }
    }

    public synchronized boolean isClosed() { return closed; }

    public QueueRecord record() { return record; }

    // ---- what happens as time passes ----

    /**
     * Reads the queue's features again (a policy may have changed them) and does what is due: expired messages at the
     * head go, a queue over its length limit drops its head, an unused queue past its expiry is deleted. The node
     * calls this now and then for every queue it serves that has timed features; the engine also wakes itself.
     */
    public synchronized void tick() {
        if (closed) return;
        features = services.features(record);
        long now = services.now();
        if (ready.releaseDue(now)) dispatch();
        expireHead(now);
        trim();
        if (features.expires() > 0 && consumers.isEmpty() && !expiring && now - lastUsed >= features.expires()) {
            expiring = true;
            services.timer().execute(() -> services.expire(record).whenComplete((v, e) -> {
                synchronized (QueueEngine.this) { expiring = false; }
            }));
        }
        scheduleWake();
    }

    private void expireHead(long now) {
        if (!hasExpiries()) return;
        Departures.Batch d = departures.batch();
        int n = 0, room = departures.room();
        while (n < MAX_PASS && n < room) {
            long off = ready.next();
            if (off < 0) break;
            long e = expiresAt(off);
            if (e < 0 || e > now) break;
            ready.take(off, 0);
            d.add(Reason.EXPIRED, off);
            n++;
        }
        d.leave();
        if (n == MAX_PASS) wakeAt(now);
    }

    /** A queue over its length limit (drop-head) drops — or dead-letters — its oldest ready messages. */
    private void trim() {
        QueueFeatures f = features;
        if (f.overflow() != QueueFeatures.Overflow.DROP_HEAD || (f.maxLength() < 0 && f.maxLengthBytes() < 0)) return;
        Departures.Batch d = departures.batch();
        while ((f.maxLength() >= 0 && readyCount() > f.maxLength()) || (f.maxLengthBytes() >= 0 && readyBytes() > f.maxLengthBytes())) {
            long off = ready.next();
            if (off < 0) break;
            Message m = load(off);
            ready.take(off, m == null ? 0 : m.body().length);
            d.add(Reason.MAXLEN, off);
        }
        d.leave();
    }

    private void scheduleWake() {
        if (closed) return;
        long next = Long.MAX_VALUE;
        if (hasExpiries()) {
            long off = ready.next();
            long e = off < 0 ? -1 : expiresAt(off);
            if (e >= 0) next = e;
        }
        QueueFeatures f = features;
        if (f.expires() > 0 && consumers.isEmpty()) next = Math.min(next, lastUsed + f.expires());
        next = Math.min(next, ready.nextDelayed());
        if (next != Long.MAX_VALUE) wakeAt(next);
    }

    private void wakeAt(long at) {
        if (wake != null && !wake.isDone() && wakeAt <= at) return;
        if (wake != null) wake.cancel(false);
        wakeAt = at;
        wake = services.timer().schedule(this::tick, Math.max(0, at - services.now()), TimeUnit.MILLISECONDS);
    }

    // ---- leaving by a feature ----

    /** Why the ready message at {@code off} must not be delivered, or null. */
    private Reason fate(long off, long now) {
        long e = expiresAt(off);
        if (e >= 0 && e <= now && off != fresh) return Reason.EXPIRED;
        long limit = features.deliveryLimit();
        if (limit >= 0 && deliveryCount(off) > limit) return Reason.DELIVERY_LIMIT;
        return null;
    }

    // ---- what Departures asks ----

    QueueFeatures features() { return features; }

    /** Whether a held dead-letter is still the queue's to republish (checked out and present). */
    boolean stillLeaving(long off) { return ready.isCheckedOut(off) && isPresent(off); }

    /** Dead-letters are no longer in flight: expiry that waited for room goes on. */
    void roomForDepartures() { if (hasExpiries()) wakeAt(services.now()); }

    // ---- delivery ----

    private Delivery delivery(long off, boolean returnedBefore, Message m) {
        int dc = deliveryCount(off);
        boolean redelivered = returnedBefore || off < redeliveredBelow || dc > 0;
        // a quorum queue's redelivery carries x-delivery-count, as RabbitMQ's
        if (dc > 0 && record.isQuorum() && m != null) m = m.withHeader("x-delivery-count", (long) dc);
        return new Delivery(record, off, redelivered, m, messageCount());
    }

    protected final synchronized void dispatch() {
        if (closed || consumers.isEmpty()) return;
        List<Long> autoSettle = null;
        Departures.Batch doomed = departures.batch();
        long now = services.now();
        while (true) {
            long off = ready.next();
            if (off < 0) break;
            Reason r = fate(off, now);
            if (r != null) {
                ready.take(off, 0);
                doomed.add(r, off);
                continue;
            }
            Consumer c = consumers.pick();
            if (c == null) break;
            Message m = load(off);
            c.sink.deliver(delivery(off, ready.take(off, m == null ? 0 : m.body().length), m));
            if (c.spec.noAck()) {
                if (autoSettle == null) autoSettle = new ArrayList<>();
                autoSettle.add(off);
            }
        }
        if (autoSettle != null) submitSettle(autoSettle.stream().mapToLong(Long::longValue).toArray());
        doomed.leave();
    }

    private final class Consumer implements QueueConsumer, Consumers.Member {
        final ConsumerSpec spec;
        final ConsumerSink sink;

        Consumer(ConsumerSpec spec, ConsumerSink sink) { this.spec = spec; this.sink = sink; }

        @Override public ConsumerSpec spec() { return spec; }

        @Override public ConsumerSink sink() { return sink; }

        @Override public void creditAvailable() { dispatch(); }

        @Override public CompletableFuture<Void> cancel() {
            java.util.function.Supplier<CompletableFuture<Void>> unused = null;
            synchronized (QueueEngine.this) {
                if (consumers.remove(this) && consumers.isEmpty()) {
                    if (hadConsumer) unused = onUnused;
                    lastUsed = services.now();
                    scheduleWake();
                }
                dispatch();
            }
            return unused != null ? unused.get() : DONE;
        }
    }
}
