package io.warren.metadata.queue;

import io.warren.metadata.model.DomainException;
import io.warren.metadata.model.QueueRecord;
import io.warren.metadata.port.ConsumerSink;
import io.warren.metadata.port.ConsumerSpec;
import io.warren.metadata.port.Delivery;
import io.warren.metadata.port.Message;
import io.warren.metadata.port.QueueConsumer;
import io.warren.metadata.port.QueueStats;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Delivery for one queue, whatever stores it: which ready message goes to which consumer (credit, priority,
 * round-robin, exclusive and single-active consumers), what is checked out, what came back. Messages are
 * named by offsets in the queue; the subclass says which offsets are present and how a settle or a return
 * becomes durable. Ready = returned offsets (oldest first) then present offsets at or after the cursor.
 * All methods lock the engine; sinks are called under that lock and must not block.
 */
public abstract class QueueEngine {
    protected final QueueRecord record;
    private final List<Consumer> consumers = new ArrayList<>();
    private final Set<Long> checkedOut = new HashSet<>();
    private final TreeSet<Long> returned = new TreeSet<>();
    private final boolean singleActive;
    /** Offsets below this were present when this engine took over: they may have been delivered before. */
    protected long redeliveredBelow;
    private long cursor;
    private int roundRobin;
    private boolean hadConsumer;
    private boolean closed;
    private java.util.function.Supplier<CompletableFuture<Void>> onUnused = () -> DONE;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    protected QueueEngine(QueueRecord record) {
        this.record = record;
        this.singleActive = Boolean.TRUE.equals(record.arguments().get("x-single-active-consumer"));
    }

    // ---- what the store provides ----

    /** The smallest present offset at or after {@code from}, or -1. */
    protected abstract long firstPresentFrom(long from);

    protected abstract boolean isPresent(long offset);

    protected abstract long presentCount();

    protected abstract Message load(long offset);

    protected abstract int deliveryCount(long offset);

    /** Makes a settle durable; the store calls {@link #settled} once it is. */
    protected abstract CompletableFuture<Void> submitSettle(long[] offsets);

    /** Makes a return durable; the store calls {@link #returned} once it is. */
    protected abstract CompletableFuture<Void> submitReturn(long[] offsets);

    // ---- what the store reports ----

    /** A message became present (enqueue applied). */
    public final synchronized void enqueued() { dispatch(); }

    public final synchronized void settled(long[] offsets) {
        for (long o : offsets) { checkedOut.remove(o); returned.remove(o); }
    }

    /** A return became durable (delivery counts updated); the messages were made ready when it was asked for. */
    public final synchronized void returned(long[] offsets) { dispatch(); }

    /** Everything present becomes ready again (a new leader, a restart): the soft state is gone. */
    protected final synchronized void resetSoftState(long nextOffset) {
        checkedOut.clear();
        returned.clear();
        cursor = 0;
        redeliveredBelow = nextOffset;
    }

    /** Offsets delivered and not yet settled or returned (a purge keeps these). */
    protected final synchronized long[] checkedOutOffsets() {
        return checkedOut.stream().mapToLong(Long::longValue).toArray();
    }

    /** After a purge: nothing before {@code upTo} is ready any more. */
    public final synchronized void purged(long upTo) {
        returned.headSet(upTo).clear();
        if (cursor < upTo) cursor = upTo;
    }

    // ---- front-end operations ----

    public synchronized QueueConsumer addConsumer(ConsumerSpec spec, ConsumerSink sink) {
        if (closed) throw DomainException.notFound(record.describe());
        boolean exclusiveHeld = consumers.stream().anyMatch(c -> c.spec.exclusive());
        if (exclusiveHeld || (spec.exclusive() && !consumers.isEmpty())) {
            throw DomainException.refused("queue '" + record.name() + "' in vhost '" + record.vhost() + "' in exclusive use");
        }
        Consumer c = new Consumer(spec, sink);
        int i = 0;
        while (i < consumers.size() && consumers.get(i).spec.priority() >= spec.priority()) i++;
        consumers.add(i, c);
        hadConsumer = true;
        dispatch();
        return c;
    }

    public synchronized Delivery get(boolean noAck) {
        long off = nextReady();
        if (off < 0) return null;
        Delivery d = delivery(off, take(off));
        if (noAck) submitSettle(new long[]{off});
        return d;
    }

    public CompletableFuture<Void> settle(long[] offsets) { return submitSettle(offsets); }

    /**
     * Returns messages to the queue. They are ready again at once, so the channel's next method sees them
     * (as with RabbitMQ, where the queue handles one channel's commands in order); the return is then made
     * durable, which counts the delivery attempt.
     */
    public CompletableFuture<Void> requeue(long[] offsets) {
        synchronized (this) {
            for (long o : offsets) {
                if (checkedOut.remove(o) && isPresent(o)) returned.add(o);
            }
            dispatch();
        }
        return submitReturn(offsets);
    }

    public synchronized QueueStats stats() {
        long present = presentCount();
        long unacked = checkedOut.size();
        return new QueueStats(present, Math.max(0, present - unacked), unacked, consumers.size());
    }

    public synchronized int consumerCount() { return consumers.size(); }

    public synchronized long messageCount() { return Math.max(0, presentCount() - checkedOut.size()); }

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
            cs = new ArrayList<>(consumers);
            consumers.clear();
        }
        for (Consumer c : cs) {
            if (moved) c.sink.moved(); else c.sink.cancelledByServer();
        }
    }

    public synchronized boolean isClosed() { return closed; }

    public QueueRecord record() { return record; }

    // ---- delivery ----

    private long nextReady() {
        while (!returned.isEmpty()) {
            long o = returned.first();
            if (isPresent(o) && !checkedOut.contains(o)) return o;
            returned.pollFirst();
        }
        while (true) {
            long o = firstPresentFrom(cursor);
            if (o < 0) return -1;
            if (!checkedOut.contains(o)) return o;
            cursor = o + 1;
        }
    }

    /** Checks a ready message out; true if it had been delivered before (it came back). */
    private boolean take(long off) {
        checkedOut.add(off);
        if (returned.remove(off)) return true;
        if (off >= cursor) cursor = off + 1;
        return false;
    }

    private Delivery delivery(long off, boolean returnedBefore) {
        boolean redelivered = returnedBefore || off < redeliveredBelow || deliveryCount(off) > 0;
        return new Delivery(record, off, redelivered, load(off), messageCount());
    }

    protected final synchronized void dispatch() {
        if (closed || consumers.isEmpty()) return;
        List<Long> autoSettle = null;
        while (true) {
            long off = nextReady();
            if (off < 0) break;
            Consumer c = pick();
            if (c == null) break;
            c.sink.deliver(delivery(off, take(off)));
            if (c.spec.noAck()) {
                if (autoSettle == null) autoSettle = new ArrayList<>();
                autoSettle.add(off);
            }
        }
        if (autoSettle != null) submitSettle(autoSettle.stream().mapToLong(Long::longValue).toArray());
    }

    /** The consumer that gets the next message: highest priority with credit, round-robin within a priority. */
    private Consumer pick() {
        if (singleActive) {
            Consumer c = consumers.get(0);
            return c.sink.tryReserve() ? c : null;
        }
        int i = 0;
        while (i < consumers.size()) {
            int prio = consumers.get(i).spec.priority();
            int j = i;
            while (j < consumers.size() && consumers.get(j).spec.priority() == prio) j++;
            int n = j - i;
            for (int k = 0; k < n; k++) {
                Consumer c = consumers.get(i + Math.floorMod(roundRobin + k, n));
                if (c.sink.tryReserve()) {
                    roundRobin = roundRobin + k + 1;
                    return c;
                }
            }
            i = j;
        }
        return null;
    }

    private final class Consumer implements QueueConsumer {
        final ConsumerSpec spec;
        final ConsumerSink sink;

        Consumer(ConsumerSpec spec, ConsumerSink sink) { this.spec = spec; this.sink = sink; }

        @Override public void creditAvailable() { dispatch(); }

        @Override public CompletableFuture<Void> cancel() {
            java.util.function.Supplier<CompletableFuture<Void>> unused = null;
            synchronized (QueueEngine.this) {
                if (consumers.remove(this) && consumers.isEmpty() && hadConsumer) unused = onUnused;
                dispatch();
            }
            return unused != null ? unused.get() : DONE;
        }
    }
}
