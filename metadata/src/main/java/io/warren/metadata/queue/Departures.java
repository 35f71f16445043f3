package io.warren.metadata.queue;

import io.warren.metadata.port.Message;
import io.warren.metadata.port.Origin;
import io.warren.metadata.queue.DeadLetters.Reason;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Messages that leave a queue by a feature (expired, dropped from the head, over the delivery limit, rejected). They
 * are checked out first (never delivered), gathered in a {@link Batch} under the engine's lock, then settled at once
 * when there is no dead-letter exchange; otherwise republished to it from the services' timer, unlocked and in the
 * queue's order, and settled once that publish has an outcome. At-least-once keeps a message whose republish failed
 * (still checked out) and tries the held ones again, oldest first, every {@value #RETRY_MS} ms. Each republish names
 * its {@link Origin}, so a target that did get an attempt which seemed to fail takes the retry as the same message.
 */
final class Departures {
    /** Dead-letters being republished at once; expiry leaves the rest in the queue until there is room. */
    static final int MAX_IN_FLIGHT = 4_096;
    static final long RETRY_MS = 1_000;

    private final QueueEngine engine;
    private int inFlight;
    private final TreeMap<Long, Reason> held = new TreeMap<>();
    private ScheduledFuture<?> retry;

    Departures(QueueEngine engine) { this.engine = engine; }

    /** How many more may start being republished now. */
    int room() { return MAX_IN_FLIGHT - inFlight; }

    Batch batch() { return new Batch(); }

    /** Once {@code after} completes (however), the checked-out {@code offsets} leave for {@code reason}. */
    void leaveWhenDone(java.util.concurrent.CompletableFuture<?> after, Reason reason, List<Long> offsets) {
        after.whenComplete((v, err) -> {
            synchronized (engine) {
                Batch d = new Batch();
                for (long o : offsets) d.add(reason, o);
                d.leave();
            }
        });
    }

    /** Checked-out messages leaving together; call {@link #leave} once, under the engine's lock. */
    final class Batch {
        private final List<Long> offsets = new ArrayList<>();
        private final List<Reason> reasons = new ArrayList<>();

        void add(Reason r, long off) {
            offsets.add(off);
            reasons.add(r);
        }

        boolean isEmpty() { return offsets.isEmpty(); }

        void leave() {
            if (offsets.isEmpty()) return;
            QueueFeatures f = engine.features();
            if (!f.hasDeadLetterExchange()) {
                engine.submitSettle(offsets.stream().mapToLong(Long::longValue).toArray());
                return;
            }
            long now = engine.services.now();
            long first = engine.firstPresentFrom(0);
            List<Runnable> publishes = new ArrayList<>(offsets.size());
            for (int i = 0; i < offsets.size(); i++) {
                long off = offsets.get(i);
                Reason reason = reasons.get(i);
                Message m = engine.load(off);
                if (m == null) {
                    engine.submitSettle(new long[]{off});
                    continue;
                }
                inFlight++;
                Message dl = DeadLetters.make(m, engine.record, f, reason, now);
                Origin origin = new Origin(engine.record.id(), off, first < 0 ? off : Math.min(first, off));
                publishes.add(() -> republish(off, dl, origin, reason, f.atLeastOnce()));
            }
            if (!publishes.isEmpty()) engine.services.timer().execute(() -> publishes.forEach(Runnable::run));
        }
    }

    /** Runs unlocked, on the timer thread: the services route a queue's dead-letters in the order they are asked. */
    private void republish(long off, Message dl, Origin origin, Reason reason, boolean atLeastOnce) {
        engine.services.deadLetter(engine.record, dl, origin).whenComplete((safe, err) -> {
            boolean done = err == null && Boolean.TRUE.equals(safe);
            synchronized (engine) {
                inFlight--;
                boolean closed = engine.isClosed();
                if (done || !atLeastOnce || closed) {
                    if (!closed) engine.submitSettle(new long[]{off});
                } else {
                    held.put(off, reason);
                    if (retry == null) retry = engine.services.timer().schedule(this::retryHeld, RETRY_MS, TimeUnit.MILLISECONDS);
                }
                if (inFlight == 0) engine.roomForDepartures();
            }
        });
    }

    private void retryHeld() {
        synchronized (engine) {
            retry = null;
            if (engine.isClosed()) return;
            Batch b = new Batch();
            for (Map.Entry<Long, Reason> e : held.entrySet()) {
                if (engine.stillLeaving(e.getKey())) b.add(e.getValue(), e.getKey());
            }
            held.clear();
            b.leave();
        }
    }
}
